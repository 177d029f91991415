"""The local lab: real keepalived, nginx and sshd nodes in network namespaces."""
