"""accountable: account-level product analytics from Segment-spec event streams."""

__version__ = "0.1.0"
