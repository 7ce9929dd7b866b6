"""Lesson Markdown to safe HTML: no script, no images or other remote content."""

import markdown
import nh3

ALLOWED_TAGS = {
    "p",
    "h2",
    "h3",
    "h4",
    "ul",
    "ol",
    "li",
    "strong",
    "em",
    "a",
    "blockquote",
    "code",
    "pre",
    "hr",
    "br",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}, "td": set[str]()}


def render_markdown(text: str) -> str:
    """Render lesson Markdown and sanitise it: only text structure and ordinary links survive.

    Lesson headings start at level 2 because the page's own heading is the lesson title.
    """
    html = markdown.markdown(text, extensions=["tables", "sane_lists"], output_format="html")
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"https", "http", "mailto"},
        link_rel="noopener noreferrer",
    )
