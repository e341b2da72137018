"""Sources Chorus polls for mentions: feeds and social networks."""
