"""from_config: one key per port, equivalent short forms, paths relative to the file, clear
errors."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from roomkit import RoomKit
from roomkit.domain.errors import AdapterNotFoundError, ConfigError
from roomkit.settings import KitConfig


def test_a_misspelt_top_level_key_lists_the_valid_keys() -> None:
    with pytest.raises(ConfigError) as caught:
        RoomKit.from_config({"stor": "memory"})
    message = str(caught.value)
    assert "unknown key 'stor'" in message and "did you mean 'store'?" in message
    assert "lock_manager" in message and "max_chain_depth" in message
    assert "Extra inputs are not permitted" not in message


def test_locks_is_not_a_second_key_for_the_lock_manager() -> None:
    with pytest.raises(ConfigError, match="unknown key 'locks': did you mean 'lock_manager'"):
        RoomKit.from_config({"locks": "memory"})


def test_a_misspelt_channel_key_names_the_channel_keys() -> None:
    with pytest.raises(ConfigError, match=r"channels\[0\].'system_promt'.*'system_prompt'"):
        RoomKit.from_config(
            {"channels": [{"id": "a", "type": "ai", "provider": "mock", "system_promt": "x"}]}
        )


@pytest.mark.parametrize("short", ["postgres", {"kind": "postgres"}, {"name": "postgres"}])
def test_every_form_of_a_postgres_lock_manager_takes_the_store_dsn(short: object) -> None:
    parsed = KitConfig.load(
        {"store": {"kind": "postgres", "dsn": "postgresql://db/x"}, "lock_manager": short}
    )
    assert parsed.lock_manager == {"name": "postgres", "settings": {"dsn": "postgresql://db/x"}}


def test_a_relative_sqlite_path_is_relative_to_the_config_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "app"
    folder.mkdir()
    (folder / "roomkit.toml").write_text('store = { kind = "sqlite", path = "data/rooms.db" }\n')
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    parsed = KitConfig.load(Path("..") / "app" / "roomkit.toml")
    assert parsed.store == {"name": "sqlite", "settings": {"path": str(folder / "data/rooms.db")}}
    mapping = KitConfig.load({"store": {"kind": "sqlite", "path": "rooms.db"}})
    assert mapping.store == {"name": "sqlite", "settings": {"path": "rooms.db"}}
    assert os.getcwd() == str(elsewhere)


async def test_a_sqlite_store_from_a_file_lands_beside_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("roomkit_sql")
    (tmp_path / "roomkit.toml").write_text('store = { kind = "sqlite", path = "rooms.db" }\n')
    monkeypatch.chdir(Path("/"))
    kit = RoomKit.from_config(tmp_path / "roomkit.toml")
    await kit.create_room(room_id="r")
    await kit.close()
    assert (tmp_path / "rooms.db").exists()


def test_an_unknown_adapter_that_an_extra_provides_says_how_to_install_it() -> None:
    from roomkit.plugins.registry import Registry, make_plugin_manager

    registry = Registry(make_plugin_manager(autoload=False))
    with pytest.raises(AdapterNotFoundError, match=r"roomkit-sql.*--find-links dist"):
        RoomKit(store="sqlite", registry=registry)


def test_invalid_toml_is_a_config_error_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text("store = \n")
    with pytest.raises(ConfigError, match=r"bad\.toml"):
        RoomKit.from_config(path)
