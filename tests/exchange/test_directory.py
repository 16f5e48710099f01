"""The directory: a file of nodes whose keys must fit their names; the node's own key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from goodgov.exchange import directory
from goodgov.ledger import note
from tests.exchange.conftest import CLIENT, PROVIDER, write_directory


def test_the_directory_lists_nodes_with_their_keys_and_services(provider_node: Any) -> None:
    # when
    nodes = directory.nodes()

    # then
    assert sorted(nodes) == ["ddg", "tbnk"]
    assert nodes["ddg"].offers("population", "person")
    assert not nodes["ddg"].offers("population", "everything")
    assert nodes["tbnk"].verifier.key == CLIENT.verifier.key


def test_a_key_named_for_another_node_is_rejected(provider_node: Any, tmp_path: Path) -> None:
    # given
    path = write_directory(tmp_path / "bad.yaml", "http://x", provider_key=CLIENT.verifier.key)
    provider_node.GOODGOV_EXCHANGE_DIRECTORY = str(path)

    # when / then
    with pytest.raises(directory.DirectoryError, match="key named 'tbnk'"):
        directory.nodes()


def test_a_missing_directory_file_is_a_clear_error(provider_node: Any, tmp_path: Path) -> None:
    # given
    provider_node.GOODGOV_EXCHANGE_DIRECTORY = str(tmp_path / "none.yaml")

    # when / then
    with pytest.raises(directory.DirectoryError, match="does not exist"):
        directory.nodes()


def test_the_node_key_must_carry_the_node_name(provider_node: Any) -> None:
    # given
    provider_node.GOODGOV_EXCHANGE_NODE = "someone-else"

    # when / then
    with pytest.raises(directory.DirectoryError, match="named 'ddg'"):
        directory.signer()


def test_without_a_configured_key_one_is_made_once_and_kept(settings: Any, tmp_path: Path) -> None:
    # given
    settings.DATA_DIR = tmp_path
    settings.GOODGOV_EXCHANGE_KEY = ""
    settings.GOODGOV_EXCHANGE_NODE = "fresh"

    # when
    first = directory.signer()
    second = directory.signer()

    # then
    assert first.key == second.key
    assert (tmp_path / "exchange.key").stat().st_mode & 0o777 == 0o600
    assert note.Verifier.from_key(first.verifier.key).name == "fresh"
    assert first.key != PROVIDER.key
