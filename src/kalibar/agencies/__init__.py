"""Countries and agencies: who owns what."""
