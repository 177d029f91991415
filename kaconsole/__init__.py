"""kaconsole: a terminal operations console for keepalived/VRRP clusters."""

__version__ = "0.1.0"
