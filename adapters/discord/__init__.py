"""Discord: discord.py 2.7 slash commands, modals and persistent buttons over the core's use cases."""
