"""Archives that stay small whatever the size of the archive.

A year of news can hold thousands of articles, more than one page may weigh (SIZE_BUDGETS). So a
year page lists its months with their counts, one page whatever the year holds, and a month page
lists its articles a page at a time, like a field (`period_archives` in PAGINATED_TEMPLATES).
Pelican paginates by template name, the same for every period, so this plugin writes the year
pages under the name `year_archives`, which is not paginated.
"""

import functools

from pelican import signals

# Pelican's granularity of a period archive -> the template name pagination is looked up by.
TEMPLATE_NAMES = {"year": "year_archives"}


def write_period_archives(generator, write) -> None:
    """Pelican's ArticlesGenerator.generate_period_archives, with TEMPLATE_NAMES."""
    template = generator.get_template("period_archives")
    for granularity, periods in generator.period_archives.items():
        for period in periods:
            context = generator.context.copy()
            context["period"] = period["period"]
            context["period_num"] = period["period_num"]
            write(
                period["save_as"],
                template,
                context,
                articles=period["articles"],
                dates=period["dates"],
                template_name=TEMPLATE_NAMES.get(granularity, "period_archives"),
                blog=True,
                url=period["url"],
                all_articles=generator.articles,
            )


def paginate_by_period(generator) -> None:
    generator.generate_period_archives = functools.partial(write_period_archives, generator)


def register() -> None:
    signals.article_generator_finalized.connect(paginate_by_period)
