"""Risk targeting of cargo, express and postal declarations (issue 7).

Declarations come in (``io_import``), rules are loaded from YAML (``rules``), compiled to
vectorised Polars expressions (``compile``) over a frame of goods items with derived
features (``features``), and lanes are assigned with capacity quotas and a random control
sample (``lanes``). ``synthetic`` generates declarations with planted patterns.
"""
