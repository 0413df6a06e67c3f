"""Photos beside the article: editors write `![...](IMG_5760.jpg)`, readers get the photo.

The Markdown side (markdown.py) resolves each relative image path against the article's folder
and records the photos on the article; they are published next to the article's page.
"""


def register() -> None:
    """Nothing to connect: plugins/reader adds the Markdown extension to every file it reads."""
