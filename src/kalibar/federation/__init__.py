"""Federation of national instances: signed, need-to-know exchange by feed or bundle.

Each country runs its own Kalibar. An instance has an Ed25519 identity (``keys``,
``service``), registers peers with an agreement per direction (``service``), numbers every
shareable change in its outbox (``outbox``, a listener the composition root installs),
serves a signed feed per peer (``feed``), pulls and verifies its peers' feeds (``puller``,
``apply``), and carries the same envelopes as bundle files (``bundles``).
"""
