import dataclasses
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.budget import estimate_seconds
from core.config import (
    FIELD_BY_NAME,
    FIELDS,
    MAX_SECONDS,
    ConfigError,
    RunConfig,
    from_params,
    parse_params,
    to_params,
)
from core.data import DATASETS


def test_runconfig_fields_are_the_spec_table():
    assert [f.name for f in dataclasses.fields(RunConfig)] == [f.name for f in FIELDS]
    c = RunConfig()
    for f in FIELDS:
        assert getattr(c, f.name) == f.default


def test_defaults_are_the_books_setting():
    c = RunConfig()
    assert (c.dataset, c.n_samples, c.noise, c.hidden, c.activation) == ("moons", 1000, 0.1, (5,), "sigmoid")
    assert (c.weight_init, c.weight_std, c.bias_init) == ("normal", 1.0, 0.0)
    assert (c.optimizer, c.lr, c.epochs, c.batch_size) == ("sgd", 0.2, 3000, 0)
    assert c.split_counts == (640, 160, 200)
    assert c.layer_sizes == (2, 5, 1) and c.n_params == 21


def test_spec_dataset_choices_match_generators():
    assert set(FIELD_BY_NAME["dataset"].choices) == set(DATASETS)


@pytest.mark.parametrize("changes, field", [
    ({"lr": 0.0}, "lr"),
    ({"lr": float("nan")}, "lr"),
    ({"lr": float("inf")}, "lr"),
    ({"epochs": 0}, "epochs"),
    ({"epochs": 2.5}, "epochs"),
    ({"epochs": "many"}, "epochs"),
    ({"hidden": (0,)}, "hidden"),
    ({"hidden": (65,)}, "hidden"),
    ({"hidden": (2,) * 9}, "hidden"),
    ({"hidden": 5}, "hidden"),
    ({"activation": "swish"}, "activation"),
    ({"dataset": "mnist"}, "dataset"),
    ({"batch_norm": "maybe"}, "batch_norm"),
    ({"batch_norm": 1}, "batch_norm"),
    ({"n_samples": -1}, "n_samples"),
    ({"n_samples": True}, "n_samples"),
    ({"train_frac": 0.9, "dev_frac": 0.1}, "dev_frac"),
    ({"weight_init": "uniform", "weight_low": 2.0, "weight_high": 1.0}, "weight_low"),
    ({"epochs": 20000, "hidden": (64, 64, 64, 64)}, "epochs"),
    ({"epochs": 20000, "batch_size": 1}, "epochs"),
])
def test_bad_values_raise_config_error_naming_the_field(changes, field):
    with pytest.raises(ConfigError) as info:
        RunConfig(**changes)
    err = info.value
    assert err.field == field
    assert field in str(err) and "allowed" in str(err)
    assert err.field in err.message("zh") and "允许" in err.message("zh")


def test_budget_message_says_what_to_lower():
    with pytest.raises(ConfigError) as info:
        RunConfig(epochs=20000, hidden=(64, 64, 64, 64), n_samples=20000)
    assert "lower" in str(info.value)


def test_url_round_trip_is_exact():
    c = RunConfig(hidden=(5, 3), lr=1e-3, activation="leaky_relu", leaky_slope=0.2, batch_norm=True,
                  noise=0.123456789, seed=7)
    back, warnings = from_params(to_params(c))
    assert back == c and warnings == []
    assert to_params(RunConfig(), only_changed=True) == {}
    assert to_params(c, only_changed=True)["hidden"] == "5,3"


def test_from_params_reports_and_defaults_bad_values():
    config, warnings = from_params({"hidden": "5,,3", "lr": "1", "epochs": "1e9", "zzz": "1", "activation": "relu"})
    assert config.hidden == (5,) and config.lr == 1.0 and config.epochs == 3000 and config.activation == "relu"
    assert {w.field for w in warnings} == {"hidden", "epochs", "zzz"}
    assert all(w.message("en") and w.message("zh") for w in warnings)


def test_from_params_falls_back_when_combination_is_invalid():
    config, warnings = from_params({"train_frac": "0.9", "dev_frac": "0.5"})
    assert config.split_counts[2] >= 1
    assert warnings and {w.field for w in warnings} <= {"train_frac", "dev_frac"}
    config, warnings = from_params({"train_frac": "0.5", "dev_frac": "0.5"})
    assert [w.field for w in warnings] == ["dev_frac"] and config.train_frac == 0.5


def test_parse_params_is_strict():
    assert parse_params({"hidden": "5,3", "lr": "1"}).hidden == (5, 3)
    with pytest.raises(ConfigError):
        parse_params({"nope": "1"})
    with pytest.raises(ConfigError):
        parse_params({"hidden": "-1"})


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from([f.name for f in FIELDS] + ["junk", ""]),
                       st.one_of(st.text(max_size=30), st.text(max_size=3000),
                                 st.floats(allow_nan=True).map(str), st.integers().map(str)),
                       max_size=8))
def test_any_strings_give_a_valid_config_and_warnings(params):
    config, warnings = from_params(params)
    assert isinstance(config, RunConfig)
    assert math.isfinite(config.lr) and estimate_seconds(config) <= MAX_SECONDS
    for w in warnings:
        assert w.message("en") and w.message("zh")


@pytest.mark.parametrize("key, raw", [
    ("lr", "abc"),                 # wrong type
    ("lr", "500"),                 # out of range
    ("lr", "nan"), ("noise", "inf"), ("noise", "-inf"),
    ("epochs", ""),                # empty
    ("epochs", "1e9"),             # huge
    ("n_samples", "-1"),           # negative
    ("activation", "swish"),       # unknown enum value
    ("hidden", "5,,3"), ("hidden", "-1"), ("hidden", "1e9"), ("hidden", "5,3,"), ("hidden", "5;3"),
    ("hidden", "9" * 10_000),      # 10,000 characters
    ("seed", "1.5"),
    ("batch_norm", "maybe"),
])
def test_each_bad_url_value_is_named_in_both_languages(key, raw):
    config, warnings = from_params({key: raw})
    assert config == RunConfig()
    assert [w.field for w in warnings] == [key]
    en, zh = warnings[0].message("en"), warnings[0].message("zh")
    assert key in en and "allowed" in en and "default" in en
    assert key in zh and "允许" in zh and "默认值" in zh
    assert len(en) < 400                     # a 10,000-character value is not echoed back in full


def test_unknown_keys_are_reported_not_fatal():
    config, warnings = from_params({"nope": "1", "x" * 10_000: "y"})
    assert config == RunConfig()
    assert len(warnings) == 2 and all(len(w.message("en")) < 400 for w in warnings)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from([f.name for f in FIELDS]),
                       st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20),
                                 st.lists(st.integers(-5, 100), max_size=10).map(tuple)),
                       max_size=6))
def test_runconfig_raises_only_config_error(values):
    try:
        config = RunConfig(**values)
    except ConfigError as err:
        assert err.field in FIELD_BY_NAME
    else:
        assert estimate_seconds(config) <= MAX_SECONDS


def test_chinese_messages_say_what_is_allowed_in_chinese():
    with pytest.raises(ConfigError) as info:
        RunConfig(hidden=(99,))
    assert "每层 1–64 个神经元" in info.value.message("zh")
    with pytest.raises(ConfigError) as info:
        RunConfig(epochs=20000, hidden=(64, 64, 64, 64))
    assert "预计训练时间 <= 60 秒" in info.value.message("zh") and "计算时间预算" in info.value.message("zh")


def test_huge_integers_and_batch_norm_batches_of_one_are_config_errors():
    for changes, field in (({"lr": 10**400}, "lr"), ({"epochs": 10**400}, "epochs"), ({"seed": -10**30}, "seed"),
                           ({"batch_norm": True, "batch_size": 1}, "batch_size")):
        with pytest.raises(ConfigError) as info:
            RunConfig(**changes)
        assert info.value.field == field


def test_chinese_messages_name_the_field_by_its_label_too():
    _, warnings = from_params({"epochs": "0"})
    assert "训练轮数（epochs）" in warnings[0].message("zh")


# --------------------------------------------------------------------------- warnings name what the user gave
@pytest.mark.parametrize("params, named, never", [
    ({"train_frac": "0.9", "dev_frac": "0.5"}, ["train_frac=0.9", "dev_frac=0.5"], ["dev_frac=0.16"]),
    ({"weight_init": "uniform", "weight_low": "5", "weight_high": "-5"}, ["weight_low=5", "weight_high=-5"],
     ["weight_low=-1"]),
    ({"hidden": ",".join(["64"] * 8), "n_samples": "20000", "epochs": "20000", "batch_size": "1"},   # time budget
     ["epochs=20000", "batch_size=1", "n_samples=20000"], ["epochs=3000"]),
])
def test_cross_field_fallbacks_name_the_parameters_the_user_gave(params, named, never):
    _config, warnings = from_params(params)
    text = " | ".join(w.message("en") for w in warnings)
    for shown in named:
        assert shown in text, (shown, text)
    for default in never:
        assert default not in text, (default, text)
    assert {w.field for w in warnings} <= set(params)
    zh = " | ".join(w.message("zh") for w in warnings)
    assert all(w.field in zh for w in warnings) and "已改用默认值" in zh


def test_repeated_keys_are_reported_and_the_last_value_is_used():
    config, warnings = from_params({"hidden": ["5,3", "7"], "lr": ["0.5"]})
    assert config.hidden == (7,) and config.lr == 0.5
    assert [w.message("en") for w in warnings] == ["hidden is given 2 times (5,3 | 7); the last value is used"]
    assert "隐藏层（hidden） 出现了 2 次" in warnings[0].message("zh")


def test_echoed_unknown_keys_are_cut():
    _, warnings = from_params({"k" * 3_000_000: "1"})
    assert len(warnings[0].message("en")) < 100 and len(warnings[0].message("zh")) < 100


def test_full_width_digits_read_the_same_in_every_field():
    config, warnings = from_params({"hidden": "５，３", "epochs": "１２０", "lr": "０．５"})
    assert not warnings
    assert (config.hidden, config.epochs, config.lr) == ((5, 3), 120, 0.5)
