"""Demo data for the records slice: a register of realistic firearm records (makes, serial
formats, places, spelling variants) imported through the records import (``kalibar demo``)."""
