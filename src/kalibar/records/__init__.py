"""The register of firearms of interest: lost, stolen, trafficked, seized and the rest."""
