#!/usr/bin/env python3
"""Turns every ```swift block of README.md and of the DocC articles (Sources/*/Documentation.docc)
into functions of Tests/AIYouTests/ReadmeSnippets.swift and DocumentationSnippets.swift, so that the
test build compiles what a user pastes first, and runs against the embedded server every block that
can run there. CI regenerates the files and fails when they differ from the committed ones (run
this script after editing the README or an article; `--check` only compares).

Compiled: a block whose first line is `// Package.swift` is a manifest excerpt and is skipped. Each
other block becomes the body of `func …SnippetN(client:secret:key:logger:) async throws`, once
nonisolated and once on the main actor (where a user's top-level code runs): `client`, `secret`,
`key` and `logger` are what the prose calls them; a block that uses `configuration` without
declaring it gets one. Values a block declares at its top level are marked used, so that the
illustration compiles without warnings. (Examples/QuickStart compiles the first example as real
top-level code.)

Run: a block is also run, by a Swift Testing test generated beside its functions, when the line
right before its fence is one of these HTML comments (invisible on GitHub and in DocC):

    <!-- runs: aiyou -->       handed a client of the AI.YOU API on a fresh embedded server
                               (withServerAndClient: the demo account's e-mail and password,
                               `secret` its password); the test also expects the server to have
                               answered at least one request, so the block did talk to it.
    <!-- runs: llmaas -->      the same with a client of the LLMaaS API (withLLMaaS, the demo key).
    <!-- runs: standalone -->  the block starts its own embedded server (MockAIYouServer.withRunning)
                               and checks what it wants itself.

The test calls the main-actor function and fails when the block throws or one of its own `#expect`
fails. How the choice is made: a block is marked when everything it does can happen on this
machine against the embedded server — it sends its requests through the `client` it is handed, or
to a server it starts — and it returns by itself. It stays compile-only when it needs what a test
cannot give it: a real account (it builds its own configuration for the production service, so its
requests would leave the machine), a file of the reader's (`transcribe(fileAt:)`,
`ContentPart.image(fileAt:)`), or a service that runs until it is stopped (a `ServiceGroup`); and
when it sends nothing at all (it only builds a configuration or a message), since running it
would check no more than compiling it does. A marker that names another API, or that is not right
before a ```swift fence, stops the script with an error.
"""
import pathlib
import re
import sys

root = pathlib.Path(__file__).resolve().parent.parent

HEADER = [
    "// swift-format-ignore-file",
    "// Every Swift block compiles; the blocks marked `<!-- runs: … -->` also run, against the embedded",
    "// server, in the suite at the end (the others need a real account, a file, or send nothing).",
    "",
    "import AIYou",
    "import AIYouMCP",
    "import AIYouMockServer",
    "import AIYouPostgres",
    "import CoreMetrics",
    "import Foundation",
    "import Logging",
    "import NIOCore",
    "import NIOPosix",
    "import PostgresNIO",
    "import ServiceLifecycle",
    "import Testing",
    "import Tracing",
    "",
]

MARKER = re.compile(r"^<!--\s*runs:\s*(.*?)\s*-->\s*$")
HOSTS = {"aiyou": "withServerAndClient", "llmaas": "withLLMaaS", "standalone": "withServerAndClient"}


class Block:
    def __init__(self, source, heading, code, runs):
        self.source = source
        self.heading = heading
        self.code = code
        self.runs = runs


def swift_blocks(path):
    """The ```swift blocks of a Markdown file, each with the heading it is under and its marker."""
    name = path.relative_to(root).as_posix()
    lines = path.read_text(encoding="utf-8").split("\n")
    blocks = []
    heading = name
    fence = None
    body = []
    for number, line in enumerate(lines):
        if fence is not None:
            if line.startswith("```"):
                if fence:
                    blocks.append(Block(name, heading, "\n".join(body) + "\n", fence_marker))
                fence = None
            elif fence:
                body.append(line)
            continue
        if line.startswith("```"):
            fence = line.strip() == "```swift"
            body = []
            fence_marker = None
            previous = lines[number - 1].strip() if number > 0 else ""
            marker = MARKER.match(previous)
            if marker:
                if not fence:
                    sys.exit(f"{name}:{number}: a `<!-- runs: … -->` marker must come right before a ```swift fence")
                if marker.group(1) not in HOSTS:
                    sys.exit(f"{name}:{number}: unknown marker `{previous}` (expected one of {', '.join(HOSTS)})")
                fence_marker = marker.group(1)
            continue
        if MARKER.match(line.strip()) and not (number + 1 < len(lines) and lines[number + 1].strip() == "```swift"):
            sys.exit(f"{name}:{number + 1}: a `<!-- runs: … -->` marker must come right before a ```swift fence")
        if re.match(r"^#{1,6} ", line):
            heading = line.lstrip("#").strip()
    if fence is not None:
        sys.exit(f"{name}: a code block is not closed")
    return blocks


def swift_string(text):
    return text.replace("\\", "\\\\").replace('"', '\\"')


def functions(prefix, blocks):
    out = []
    runs = []
    count = 0
    for block in blocks:
        lines = block.code.rstrip("\n").split("\n")
        if lines and lines[0].strip() == "// Package.swift":
            if block.runs:
                sys.exit(f"{block.source}: a Package.swift excerpt cannot run")
            continue
        body = [line for line in lines if not re.match(r"^import \w+\s*$", line)]
        text = "\n".join(body)
        declared = re.findall(r"^(?:let|var) (\w+)\b", text, flags=re.M)
        prelude = []
        if re.search(r"\bconfiguration\b", text) and not re.search(r"\b(?:let|var) configuration\b", text):
            mutated = re.search(r"\bconfiguration\.\w+(?:\.\w+)*\s*=", text)
            prelude.append(("var" if mutated else "let") + " configuration = Configuration(credentials: .bearerToken(key))")
            declared.append("configuration")
        count += 1
        for isolation, suffix in (("", ""), ("@MainActor ", "OnMainActor")):
            out.append(
                f"{isolation}func {prefix}Snippet{count}{suffix}(client: AIYouClient, secret: String, key: String, logger: Logger) async throws {{"
            )
            for line in prelude + body:
                out.append(("    " + line).rstrip())
            for name in dict.fromkeys(declared):
                out.append(f"    _ = {name}")
            out.append("}")
            out.append("")
        if block.runs:
            runs.append((count, block))
    return count, out, runs


def run_suite(prefix, title, runs):
    """A suite with one test per block that runs."""
    if not runs:
        return []
    out = [
        f'@Suite("{title}: the blocks marked to run, against the embedded server")',
        f"struct {prefix[0].upper() + prefix[1:]}SnippetRuns {{",
    ]
    for number, block in runs:
        where = swift_string(f"{block.source}, “{block.heading}”")
        out.append(f'    @Test("block {number} ({where}) runs ({block.runs})")')
        out.append(f"    func block{number}() async throws {{")
        out.append(f"        try await {HOSTS[block.runs]} {{ server, client in")
        out.append(
            f"            try await {prefix}Snippet{number}OnMainActor(client: client, secret: MockAccount.demo.password, key: MockAccount.demoAPIKey, logger: Configuration.disabledLogger)"
        )
        if block.runs == "standalone":
            out.append("            _ = server")
        else:
            out.append('            #expect(server.totalRequestCount > 0, "the block sent its requests to the embedded server")')
        out.append("        }")
        out.append("    }")
        out.append("")
    if out[-1] == "":
        out.pop()
    out.append("}")
    out.append("")
    return out


readme_blocks = swift_blocks(root / "README.md")
readme_count, readme_functions, readme_runs = functions("readme", readme_blocks)
articles = sorted(root.glob("Sources/*/Documentation.docc/**/*.md"))
doc_blocks = [block for article in articles for block in swift_blocks(article)]
doc_count, doc_functions, doc_runs = functions("documentation", doc_blocks)

targets = {
    root / "Tests" / "AIYouTests" / "ReadmeSnippets.swift": (
        ["// Generated by .ci/readme-snippets.py from README.md — do not edit; run the script instead."]
        + HEADER
        + readme_functions
        + run_suite("readme", "README snippets", readme_runs),
        readme_count,
        len(readme_runs),
    ),
    root / "Tests" / "AIYouTests" / "DocumentationSnippets.swift": (
        ["// Generated by .ci/readme-snippets.py from the DocC articles — do not edit; run the script instead."]
        + HEADER
        + doc_functions
        + run_suite("documentation", "DocC snippets", doc_runs),
        doc_count,
        len(doc_runs),
    ),
}

stale = []
for target, (lines, count, running) in targets.items():
    generated = "\n".join(lines)
    if "--check" in sys.argv:
        if not target.exists() or target.read_text(encoding="utf-8") != generated:
            stale.append(target.name)
    else:
        target.write_text(generated, encoding="utf-8")
        print(f"wrote {count} blocks ({running} run) to {target.relative_to(root)}")
if "--check" in sys.argv:
    if stale:
        sys.exit(f"README.md or a DocC article changed: run .ci/readme-snippets.py and commit {', '.join(stale)}")
    print(
        f"snippets: {readme_count} README blocks ({len(readme_runs)} run), "
        f"{doc_count} DocC blocks ({len(doc_runs)} run; {len(articles)} articles), up to date"
    )
