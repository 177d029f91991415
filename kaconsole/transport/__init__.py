"""SSH sessions, streams and commands (asyncio, asyncssh). No Textual."""
