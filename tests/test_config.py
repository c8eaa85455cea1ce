"""Configuration precedence: defaults < acervo.toml < ACERVO_* < CLI flags."""

from pathlib import Path

import pytest

from acervo.config import Config, ConfigError, load_config


def test_defaults_when_nothing_is_set(tmp_path):
    config = load_config(tmp_path / "absent.toml", environ={})
    assert config == Config()
    assert config.index_dir == Path("index")
    assert config.corpus_dirs == (Path("corpus"),)


def test_file_then_environment_then_flags(tmp_path):
    toml = tmp_path / "acervo.toml"
    toml.write_text('[acervo]\nindex_dir = "from-file"\nport = 9000\nworkers = 3\n')
    config = load_config(toml, environ={"ACERVO_PORT": "9100", "ACERVO_CORPUS": "a:b"})
    assert config.index_dir == Path("from-file")  # file beats default
    assert config.port == 9100  # environment beats file
    assert config.workers == 3
    assert config.corpus_dirs == (Path("a"), Path("b"))
    assert config.with_overrides(port=8080, workers=None).port == 8080  # flag beats environment
    assert config.with_overrides(workers=None).workers == 3  # an absent flag changes nothing


@pytest.mark.parametrize(
    "text, message",
    [
        ("[acervo]\nbogus = 1\n", "claves desconocidas"),
        ("[acervo]\nport = 'abc'\n", "port"),
        ("[acervo\n", "acervo.toml"),
    ],
)
def test_bad_file_is_a_clear_error(tmp_path, text, message):
    toml = tmp_path / "acervo.toml"
    toml.write_text(text)
    with pytest.raises(ConfigError, match=message):
        load_config(toml, environ={})


def test_bad_environment_value_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigError, match="ACERVO|port"):
        load_config(tmp_path / "absent.toml", environ={"ACERVO_PORT": "eighty"})


def test_extraction_limits_have_one_value_everywhere():
    """A library caller (run_ingest, the worker pool, dask) gets the limits the README and the
    CLI state: 120 s and 2048 MB (they once said 60 s / 1536 MB there, 120 s / 2048 MB here)."""
    import inspect

    from acervo.ingest.distributed import dask_extractor, extract_with_dask
    from acervo.ingest.pipeline import run_ingest
    from acervo.ingest.worker import WorkerPool, extract_file, extract_many

    config = Config()
    assert (config.extract_timeout_s, config.extract_memory_mb) == (120.0, 2048)
    for function in (run_ingest, extract_file, extract_many, dask_extractor, extract_with_dask):
        parameters = inspect.signature(function).parameters
        assert parameters["timeout_s"].default == config.extract_timeout_s, function
        assert parameters["memory_mb"].default == config.extract_memory_mb, function
    assert inspect.signature(WorkerPool).parameters["memory_mb"].default == 2048


def test_every_setting_is_documented_with_its_environment_variable():
    """The README's configuration paragraph names every setting and its ACERVO_* variable."""
    from dataclasses import fields

    from acervo.config import _ENV

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    settings = readme.split("Configuration, weakest first:")[1].split("then command-line flags")[0]
    by_field = {name: var for var, name in _ENV.items()}
    for setting in fields(Config):
        assert f"`{setting.name}`" in settings, setting.name
        assert f"`{by_field[setting.name]}`" in settings, setting.name


def test_server_settings_from_the_environment(tmp_path):
    environ = {
        "ACERVO_SECRET_KEY": "s3cret",
        "ACERVO_TRUSTED_PROXY": "127.0.0.1",
        "ACERVO_THREADS": "8",
        "ACERVO_BASE_URL": "https://acervo.example.org/",
    }
    config = load_config(tmp_path / "absent.toml", environ=environ)
    assert (config.secret_key, config.trusted_proxy, config.threads) == ("s3cret", "127.0.0.1", 8)
    assert config.public_url() == "https://acervo.example.org/"
    assert "s3cret" not in repr(config)  # never in a log line or a traceback's locals
