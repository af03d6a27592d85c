"""`[appliance] urls`: the appliances a kiosk fails over between, in order; every mistake names
file, key and fix, and a bundle's appliances replace the config's however either spells them."""

from __future__ import annotations

from pathlib import Path

import pytest

from greeter.config import load
from greeter.configkit import ConfigError
from tests.greeter.test_config import GOOD, write_config

URL = 'url = "https://127.0.0.1:8443"'


def with_urls(tmp_path: Path, line: str) -> Path:
    return write_config(tmp_path, GOOD.replace(URL, line))


def test_urls_are_tried_in_the_order_given(tmp_path):
    config = load(with_urls(tmp_path, 'urls = ["https://a.example:8443/", " https://b.example "]'))
    assert config.appliance.urls == ("https://a.example:8443", "https://b.example")
    assert config.appliance.url == "https://a.example:8443"


def test_one_url_still_works(tmp_path):
    assert load(write_config(tmp_path, GOOD)).appliance.urls == ("https://127.0.0.1:8443",)


@pytest.mark.parametrize(
    ("line", "key", "problem", "fix"),
    [
        ("urls = []", "appliance.urls", "empty", "list the appliances"),
        ('urls = "https://a.example"', "appliance.urls", "expected list", "fix the value"),
        ('urls = ["https://a.example", 8443]', "appliance.urls", "not an https://", "https://"),
        ('urls = ["http://a.example"]', "appliance.urls", "not an https://", "https://"),
        ('urls = ["https://a.example", "https://a.example/"]', "appliance.urls", "twice", "once"),
        # a password in a URL would reach the event log's failover lines
        ('urls = ["https://me:pw@a.example"]', "appliance.urls", "not an https://", "https://"),
        ('urls = ["https://[::1"]', "appliance.urls", "not an https://", "https://"),
        ('urls = ["https://"]', "appliance.urls", "not an https://", "https://"),
        (
            "urls = [" + ", ".join(f'"https://h{n}.example"' for n in range(9)) + "]",
            "appliance.urls",
            "9 URLs",
            "at most 8",
        ),
        (URL + '\nurls = ["https://a.example"]', "appliance.url", "together", "only"),
    ],
)
def test_mistakes_in_urls_name_file_key_and_fix(tmp_path, line, key, problem, fix):
    with pytest.raises(ConfigError) as caught:
        load(with_urls(tmp_path, line))
    assert caught.value.key == key
    assert problem in caught.value.problem
    assert fix in caught.value.fix


def test_a_bundles_urls_replace_the_configs_url(tmp_path):
    path = write_config(tmp_path, GOOD)
    (tmp_path / "bundle.toml").write_text(
        '[kiosk]\nname = "ward9"\n[appliance]\nurls = ["https://a.example", "https://b.example"]\n'
        'kiosk_secret = "s3cret"\nca = """\n-----BEGIN CERTIFICATE-----\n"""\n'
    )
    config = load(path)
    assert config.appliance.urls == ("https://a.example", "https://b.example")
    assert config.appliance.kiosk_secret == "s3cret"


def test_an_older_bundles_url_replaces_the_configs_urls(tmp_path):
    path = with_urls(tmp_path, 'urls = ["https://a.example", "https://b.example"]')
    (tmp_path / "bundle.toml").write_text(
        '[kiosk]\nname = "ward9"\n[appliance]\nurl = "https://c.example"\n'
        'kiosk_secret = "s3cret"\nca = """\n-----BEGIN CERTIFICATE-----\n"""\n'
    )
    assert load(path).appliance.urls == ("https://c.example",)
