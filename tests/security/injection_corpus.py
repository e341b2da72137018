"""Hostile strings a customer (or a colleague pasting one) can put in front of Chorus.

Each entry is pushed through every field customers and colleagues fill: a post's text, its
author's name and handle, the author's and the post's URLs (the entries that look like URLs),
a draft, a reviewer's note, a dismissal reason, an idea's title and pitch, a decline reason.
Whatever Slack would act on must reach it inert (see blockkit.py).
"""

from __future__ import annotations

# name: the hostile text
CORPUS: dict[str, str] = {
    "channel": "Hey <!channel> look at this",
    "here": "<!here> anyone?",
    "everyone": "<!everyone> READ THIS",
    "channel with label": "<!channel|channel> alert",
    "user": "cc <@U0PWNED>",
    "user with label": "<@U0PWNED|support-admin> approved this",
    "enterprise user": "<@W0PWNED>",
    "channel link": "see <#C0SECRET> and <#C0SECRET|general>",
    "subteam": "<!subteam^S0ADMINS|@admins> please help",
    "forged date": "<!date^1392734382^{date}|Feb 18, 2014>",
    "link with label": "log in at <https://evil.example|yourbank.com>",
    "bare link": "<https://evil.example>",
    "mailto link": "<mailto:ceo@evil.example|email the CEO>",
    "tel link": "<tel:+15555550123|call us now>",
    "bold and friends": "*URGENT* _refund_ ~now~ `rm -rf` >quote",
    "unbalanced markup": "**bold_ ~~strike `code ``` fence",
    "code fence breakout": "```\n<!channel>\n``` and *out*",
    "pre-escaped": "&lt;!channel&gt; &amp; &gt; &lt;@U0PWNED&gt;",
    "double-escaped": "&amp;lt;@U0PWNED&amp;gt; &amp;amp;",
    "emoticons": "I <3 you >_< -> <- << >>",
    "nested": "<<!channel>> <<@U0PWNED>>",
    "unclosed then closed": "<!channel and then, much later, a >",
    "zero-width inside": "<\u200b!channel> <!chan\u200bnel> \u200b\u200c\u200d\ufeff",
    "right-to-left override": "Ana\u202e moc.elgoog//:sptth \u202c done",
    "isolates": "\u2067<!here>\u2069 \u2066LTR\u2069",
    "newlines": "line one\n\n<!here>\n> quoted\n• bullet\r\nCRLF",
    "emoji shortcodes": ":rotating_light: :skull: :white_check_mark: Approved by @manager",
    "at words": "@channel @here @everyone @U0PWNED",
    "html": "<script>alert(1)</script><img src=x onerror=alert(1)>",
    "markdown link": "[click here](https://evil.example) ![img](https://evil.example/x.png)",
    "shell and quotes": "\\\" ' ` $(rm -rf /) ; DROP TABLE mentions; --",
    "fullwidth lookalikes": "\uff1c!channel\uff1e \uff1c@U0PWNED\uff1e",
    "control characters": "bell\x07 escape\x1b[31m red\x1b[0m tab\t",
    "NUL characters": "before\x00after \x00<!channel>\x00",
    "ampersands": "AT&T & B&Q &copy; &#60;!channel&#62; &",
    "very long": "<!channel> " * 1200 + "end",
    "long word": "x" * 5000,
    "javascript url": "javascript:alert(document.cookie)",
    "javascript url, mixed case": " JaVaScRiPt:alert(1)",
    "data url": "data:text/html,<script>alert(1)</script>",
    "url with a link inside": "http://evil.example/<x|y>",
    "url with pipes and brackets": "https://evil.example/a|b>c<d?<!channel>",
    "url with label trick": "https://good.example|<https://evil.example>",
    "url with spaces": "https://evil.example/a b <!here>",
    "very long url": "https://evil.example/" + "a" * 4000,
    "url with a bidi override": "https://example.com/\u202egpj.exe",
}

URL_LIKE = {
    name
    for name, text in CORPUS.items()
    if text.strip().lower().startswith(("http:", "https:", "javascript:", "data:"))
}
