"""Build settings pyproject.toml cannot express: the top-level ``content/`` folder ships in the wheel.

The packs stay a plain data folder at the top of the repository (where moderators edit them), and are
mapped into the installed package as ``bot/shipped_content``, so a non-editable ``pip install .`` carries
every pack; ``bot.settings.shipped_content_dir()`` finds them in either place. Everything else about the
build lives in pyproject.toml.
"""

from setuptools import find_namespace_packages, setup

SHIPPED_CONTENT = "bot.shipped_content"

setup(
    packages=[
        *find_namespace_packages(include=["bot", "bot.*", "cogs", "cogs.*"], exclude=["*.__pycache__"]),
        SHIPPED_CONTENT,
    ],
    package_dir={SHIPPED_CONTENT: "content"},
    package_data={
        SHIPPED_CONTENT: ["**/*.toml", "**/*.md", "**/*.txt", "**/*.json", "**/*.csv"],
        "bot.storage": ["migrations/*.sql"],
    },
    exclude_package_data={SHIPPED_CONTENT: ["*.py"]},
)
