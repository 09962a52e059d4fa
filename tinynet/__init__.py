"""tinynet: a from-scratch deep-learning framework that teaches weight initialization."""
