"""Storage: the SQLite connection, migrations, and one repository module per aggregate.

Nothing here imports discord, cogs or bot.services; repositories return bot.domain objects.
"""
