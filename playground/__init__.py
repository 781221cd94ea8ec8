"""The playground: the unmodified bot against the stand-in for Discord (fake_discord/), shown in a
web page on 127.0.0.1 where a person acts as a member, staff or an admin, with no Discord account.

``python run_bot.py playground`` starts it (see playground.session). The page's server plays the
part of Discord's app: it turns what a person does into the interactions Discord would send
(playground.client) and shows each person what Discord would show them.
"""
