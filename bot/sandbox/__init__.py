"""`chorus sandbox`: Chorus with an offline Slack stand-in and a web page, no tokens needed.

`bot.sandbox.run.start_sandbox()` starts it all in one process, on one port.
"""
