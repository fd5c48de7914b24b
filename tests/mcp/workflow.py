"""Drives `git chant mcp` with the official MCP Python SDK (`mcp` on PyPI) through a whole
six-phase workflow, as an orchestrating agent would: add six specs, each depending on the
one before, then per phase ready, claim, transition start, check every criterion,
transition done; then lint and log. Every tool's schemas are checked as JSON Schema
2020-12 and every structured result validated against its tool's output schema.

usage: python workflow.py legacy|modern <path of git-chant>   (in the repository)

`legacy` connects with the `initialize` handshake (2025-11-25); `modern` with
`server/discover` and per-request metadata (2026-07-28). Exits non-zero on any failure.
Run by tests/it/mcp_client.rs; `.ci/run` installs the SDK it needs.
"""

import asyncio
import json
import os
import sys

from jsonschema import Draft202012Validator
from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client


class Checked:
    """The session, and each tool's output schema, to validate every result against."""

    def __init__(self, session, tools):
        self.session = session
        self.output = {}
        for tool in tools:
            Draft202012Validator.check_schema(tool.input_schema)
            Draft202012Validator.check_schema(tool.output_schema)
            assert tool.input_schema.get("additionalProperties") is False, tool.name
            self.output[tool.name] = Draft202012Validator(tool.output_schema)
        self.calls = 0

    async def call(self, name, **arguments):
        result = await self.session.call_tool(name, arguments)
        text = result.content[0].text if result.content else ""
        if result.is_error:
            raise AssertionError(f"{name} {arguments}: {text}")
        structured = result.structured_content
        errors = list(self.output[name].iter_errors(structured))
        if errors:
            raise AssertionError(f"{name}: result does not match its outputSchema: {errors[0]}")
        # The same JSON as text, for clients that read only content.
        assert json.loads(text) == structured, (name, text)
        self.calls += 1
        return structured

    async def refused(self, name, **arguments):
        """A call the server must refuse as a tool error, with the command line's help."""
        result = await self.session.call_tool(name, arguments)
        assert result.is_error, (name, arguments, result)
        text = result.content[0].text
        assert "help:" in text, text
        return text


async def workflow(session, mode):
    if mode == "legacy":
        result = await session.initialize()
        version = result.protocol_version
    else:
        result = await session.discover()
        version = session.protocol_version
    print(f"protocol {version}")
    listed = await session.list_tools()
    names = [t.name for t in listed.tools]
    print(f"{len(names)} tools: {' '.join(names)}")
    c = Checked(session, listed.tools)

    # Phase 0: six specs, each depending on the one before.
    ids = []
    for n in range(1, 7):
        body = f"## Acceptance Criteria\n\n- [ ] phase {n} built\n- [ ] phase {n} tested\n"
        added = await c.call(
            "add",
            title=f"Phase {n}",
            id=f"phase-{n}",
            depends_on=ids[-1:],
            labels=["workflow"],
            body=body,
        )
        ids.append(added["id"])
    assert ids == [f"phase-{n}" for n in range(1, 7)], ids
    listed = await c.call("list", label=["workflow"], status=["blocked"])
    assert listed["total"] == 5, listed

    for n, id in enumerate(ids, start=1):
        ready = await c.call("ready")
        assert [s["id"] for s in ready["specs"]] == [id], ready
        claimed = await c.call("claim", lease="1h")
        assert claimed["id"] == id and claimed["outcome"] == "claimed", claimed
        started = await c.call("transition", id=id, to="start", reason=f"phase {n}")
        assert (started["from"], started["to"]) == ("pending", "in_progress"), started
        text = await c.refused("transition", id=id, to="done")
        assert "criteria" in text, text
        shown = await c.call("show", id=id)
        numbers = [item["number"] for item in shown["criteria"]["items"]]
        assert numbers == [1, 2], shown
        checked = await c.call("check", id=id, numbers=numbers)
        assert checked == {"id": id, "changed": True}, checked
        await c.call("update", id=id, append={"section": "Notes", "text": f"phase {n} done by the client"})
        done = await c.call("transition", id=id, to="done")
        assert done["to"] == "completed", done
        await c.call("release", id=id)
        print(f"phase {n}: {id} completed")

    status = await c.call("status")
    assert status["counts"] == {"completed": 6}, status
    lint = await c.call("lint")
    assert lint["errors"] == 0, lint
    log = await c.call("log", id=ids[-1])
    ops = [entry["subject"] for entry in log["ledger"]]
    for op in ("add", "claim", "start", "check", "done", "release"):
        assert any(o.startswith(f"chant: {op} {ids[-1]}") for o in ops), (op, ops)
    found = await c.call("search", text="built")
    assert len(found["specs"]) == 6, found
    await c.refused("show", id="no-such-spec")
    print(f"{c.calls} tool calls validated")
    print("workflow ok")


async def main():
    mode, binary = sys.argv[1], sys.argv[2]
    if mode not in ("legacy", "modern"):
        raise SystemExit(f"mode is legacy or modern, not {mode}")
    params = StdioServerParameters(command=binary, args=["mcp"], env=dict(os.environ), cwd=os.getcwd())
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as session:
            await workflow(session, mode)


if __name__ == "__main__":
    asyncio.run(main())
