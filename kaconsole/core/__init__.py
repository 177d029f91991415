"""Pure core: inventory, parsers, VRRP rules and cluster state. No I/O, no Textual."""
