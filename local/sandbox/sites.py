"""Sample small-business websites the sandbox serves at `/sites/<slug>/`, so a brand
profile can be read from a website on the local stack and in the tests (no internet).

Each site is what a real one carries and what `chalicelib.ai.brand.site_facts` reads: a
title and meta description, headings, `theme-color`, an Open Graph image, a favicon and
an apple-touch-icon, a logo `<img>`, CSS custom properties both inline and in a linked
stylesheet. The logo and Open Graph images are PNGs drawn with Pillow on first request
(in the brand's colours, so the logo's dominant colours are known).
"""

from __future__ import annotations

import functools
import html
import io
from dataclasses import dataclass

from flask import Flask, Response, abort


@dataclass(frozen=True)
class SampleSite:
    slug: str
    name: str
    tagline: str
    description: str
    theme_color: str
    # CSS custom properties of the linked stylesheet, in order.
    palette: dict[str, str]
    # The logo's two colours (ring, centre); the background stays transparent.
    logo_colours: tuple[str, str]
    headings: tuple[str, ...]
    paragraphs: tuple[str, ...]
    # "png" (drawn with Pillow) or "svg" (the fills are the logo's colours)
    logo_format: str = "png"

    @property
    def logo_path(self) -> str:
        return f"/sites/{self.slug}/logo.{self.logo_format}"


SITES: dict[str, SampleSite] = {
    site.slug: site
    for site in (
        SampleSite(
            slug="bakery",
            name="Crumb & Co. Bakery",
            tagline="Sourdough bread and pastries baked fresh every morning",
            description=(
                "Crumb & Co. is a neighbourhood bakery in Leeds: slow-fermented sourdough "
                "bread, seasonal pastries and celebration cakes, baked fresh every morning."
            ),
            theme_color="#8b4513",
            palette={
                "--brand-primary": "#8b4513",
                "--brand-accent": "#f4a261",
                "--brand-cream": "#fff4e0",
                "--text-color": "#2b2b2b",
            },
            logo_colours=("#8b4513", "#f4a261"),
            headings=(
                "Sourdough bread baked fresh every morning",
                "Seasonal pastries",
                "Celebration cakes made to order",
                "Visit our bakery",
            ),
            paragraphs=(
                "Our sourdough bread rises for 36 hours before it meets the oven.",
                "Pastries change with the seasons: rhubarb in spring, plums in autumn.",
                "Order celebration cakes a week ahead; we deliver across Leeds.",
            ),
        ),
        SampleSite(
            slug="yoga",
            name="Still Water Yoga",
            tagline="Yoga classes for every body, from first class to teacher training",
            description=(
                "Still Water Yoga is a small studio offering beginner yoga classes, "
                "vinyasa flow, restorative yoga and mindful breathing workshops."
            ),
            theme_color="#2a9d8f",
            palette={
                "--color-primary": "#2a9d8f",
                "--color-secondary": "#e9c46a",
                "--color-background": "#f7f7f2",
                "--color-text": "#1d1d1d",
            },
            logo_colours=("#2a9d8f", "#e9c46a"),
            headings=(
                "Beginner yoga classes",
                "Vinyasa flow and restorative yoga",
                "Mindful breathing workshops",
                "Your first class is free",
            ),
            paragraphs=(
                "Beginner yoga classes every weekday evening, mats provided.",
                "Restorative yoga on Sundays to slow the week down.",
                "Mindful breathing workshops once a month.",
            ),
        ),
        SampleSite(
            slug="bikes",
            name="Spoke & Chain Bike Repair",
            tagline="Bike repair, servicing and refurbished bikes in the city centre",
            description=(
                "Spoke & Chain repairs and services every kind of bike, sells refurbished "
                "bikes and runs bike maintenance classes for commuters."
            ),
            theme_color="#1d3557",
            palette={
                "--primary": "#1d3557",
                "--accent": "#e63946",
                "--light": "#f1faee",
                "--muted": "#6c757d",
            },
            logo_colours=("#1d3557", "#e63946"),
            headings=(
                "Bike repair while you wait",
                "Bike servicing from £35",
                "Refurbished bikes",
                "Bike maintenance classes",
            ),
            paragraphs=(
                "Punctures fixed while you wait; full bike servicing in a day.",
                "Refurbished bikes, checked and guaranteed for a year.",
                "Bike maintenance classes for commuters every Thursday.",
            ),
        ),
        SampleSite(
            slug="florist",
            name="Petal Lane Florist",
            tagline="Seasonal flowers, wedding bouquets and weekly flower subscriptions",
            description=(
                "Petal Lane is an independent florist arranging seasonal flowers, wedding "
                "bouquets and weekly flower subscriptions delivered across town."
            ),
            theme_color="#c2185b",
            # Written as designers do: hsl() and rgb(), one set to another with var().
            palette={
                "--rose": "hsl(340, 78%, 43%)",
                "--primary-color": "var(--rose)",
                "--leaf-accent": "rgb(67, 160, 71)",
                "--paper": "#fafafa",
            },
            logo_colours=("#c2185b", "#43a047"),
            headings=(
                "Seasonal flowers arranged by hand",
                "Wedding bouquets",
                "Weekly flower subscriptions",
                "Same-day flower delivery",
            ),
            paragraphs=(
                "Wedding bouquets designed with you, from first sketch to the big day.",
                "Weekly flower subscriptions: a fresh seasonal bunch every Friday.",
                "Order by noon for same-day flower delivery in town.",
            ),
            logo_format="svg",
        ),
    )
}
SAMPLE_SITES: tuple[str, ...] = tuple(SITES)


def register_sites(app: Flask) -> None:
    """Add the sample sites' routes to the sandbox app."""

    @app.get("/sites/")
    def site_index():
        links = "".join(
            f'<li><a href="/sites/{slug}/">{html.escape(site.name)}</a></li>'
            for slug, site in SITES.items()
        )
        return f"<!doctype html><title>Sample sites</title><ul>{links}</ul>"

    @app.get("/sites/<slug>/")
    def site_page(slug: str):
        return Response(_page(_site(slug)), content_type="text/html; charset=utf-8")

    @app.get("/sites/<slug>/style.css")
    def site_stylesheet(slug: str):
        return Response(_stylesheet(_site(slug)), mimetype="text/css")

    @app.get("/sites/<slug>/logo.png")
    def site_logo(slug: str):
        return Response(_logo_png(_site(slug).slug), mimetype="image/png")

    @app.get("/sites/<slug>/logo.svg")
    def site_logo_svg(slug: str):
        return Response(_logo_svg(_site(slug)), mimetype="image/svg+xml")

    @app.get("/sites/<slug>/og.png")
    def site_og_image(slug: str):
        return Response(_og_png(_site(slug).slug), mimetype="image/png")


def _site(slug: str) -> SampleSite:
    site = SITES.get(slug)
    if site is None:
        abort(404)
    return site


def _page(site: SampleSite) -> str:
    e = html.escape
    base = f"/sites/{site.slug}"
    sections = "".join(
        f"<section><h2>{e(heading)}</h2><p>{e(text)}</p></section>"
        for heading, text in zip(site.headings[1:], site.paragraphs, strict=False)
    )
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{e(site.name)} | {e(site.tagline)}</title>
<meta name="description" content="{e(site.description)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="theme-color" content="{site.theme_color}">
<meta property="og:title" content="{e(site.name)}">
<meta property="og:description" content="{e(site.description)}">
<meta property="og:image" content="{base}/og.png">
<link rel="icon" href="{site.logo_path}">
<link rel="apple-touch-icon" href="{base}/logo.png">
<link rel="stylesheet" href="{base}/style.css">
<style>
  :root {{ --header-height: 72px; --brand-highlight: {site.logo_colours[1]}; }}
  header {{ height: var(--header-height); }}
</style>
</head>
<body>
<header>
  <a href="{base}/"><img class="site-logo" src="{site.logo_path}" alt="{e(site.name)} logo"
     width="64" height="64"></a>
  <nav><a href="#about">About</a> <a href="#visit">Visit</a></nav>
</header>
<main>
  <h1>{e(site.headings[0])}</h1>
  <p>{e(site.tagline)}.</p>
  {sections}
  <script>document.documentElement.classList.add("js");</script>
</main>
<footer><p>&copy; {e(site.name)}</p></footer>
</body>
</html>
"""


def _stylesheet(site: SampleSite) -> str:
    variables = "\n".join(f"  {name}: {value};" for name, value in site.palette.items())
    first = next(iter(site.palette))
    return (
        f":root {{\n{variables}\n}}\n"
        "body { font-family: system-ui, sans-serif; margin: 0; }\n"
        f"h1, h2 {{ color: var({first}); }}\n"
        "footer { color: #999999; }\n"
    )


def _hex(colour: str) -> tuple[int, int, int]:
    value = colour.lstrip("#")
    return (int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16))


@functools.cache
def _logo_png(slug: str) -> bytes:
    """A ring in the brand's main colour around a disc of its accent, on transparency."""
    from PIL import Image, ImageDraw

    site = SITES[slug]
    ring, centre = (_hex(c) for c in site.logo_colours)
    image = Image.new("RGBA", (256, 256), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((8, 8, 248, 248), fill=(*ring, 255))
    draw.ellipse((72, 72, 184, 184), fill=(*centre, 255))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _logo_svg(site: SampleSite) -> str:
    ring, centre = site.logo_colours
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 256 256" width="256" height="256">'
        f'<circle cx="128" cy="128" r="120" fill="{ring}"/>'
        f'<circle cx="128" cy="128" r="56" fill="{centre}"/></svg>'
    )


@functools.cache
def _og_png(slug: str) -> bytes:
    from PIL import Image, ImageDraw

    site = SITES[slug]
    image = Image.new("RGB", (1200, 630), _hex(site.theme_color))
    ImageDraw.Draw(image).rectangle((0, 520, 1200, 630), fill=_hex(site.logo_colours[1]))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()
