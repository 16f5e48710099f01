"""Data exchange between goodgov nodes: registries as data services, signed requests
(RFC 9421 HTTP Message Signatures with Ed25519), access rights, consent, and the
person's view of every use of their data."""
