"""Association data shipped with the bot: one TOML file per preset (partner cities and facts)."""
