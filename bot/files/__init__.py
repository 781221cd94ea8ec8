"""Files the bot hands to people (CSV now; Word documents and charts later), rendered at the edge:
services return plain data, and one writer per format turns it into bytes. No discord import."""
