"""Demo data for the seizures slice: cases, people, custody lives and scenarios written
through the slice's services (``kalibar demo``)."""
