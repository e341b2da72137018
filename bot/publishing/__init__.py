"""Publishing connectors: post an approved reply to its network and read how it did."""
