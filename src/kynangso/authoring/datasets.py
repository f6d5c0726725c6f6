"""`kynangso data`: write every data set of datasets/ from a seed, with its data dictionary.

`kynangso data` rewrites the files byte for byte, `kynangso data --check` proves they are current,
and `kynangso data --scale N --out DIR` writes an N-times larger copy for performance lessons. A data
set's `generate` is a function, or "module:function" for a generator outside the learners' library
(the answer key's, kynangso.key), imported only here. The verb's help and output are in the
message catalogue (`data.arg.*`, `data.check.*`).
"""

from __future__ import annotations

import time
from importlib import import_module
from pathlib import Path

from .. import messages, paths
from ..data import DATASETS, base
from ..data.base import Context, Dataset

DEFAULT_SEED = 2022


def generator(ds: Dataset):
    if callable(ds.generate):
        return ds.generate
    module, _, name = ds.generate.partition(":")
    return getattr(import_module(module), name)


def _generate(ctx: Context) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    index = [
        "# Dữ liệu của khóa học / the course's data sets",
        "",
        "Sinh bằng `kynangso data` từ hạt giống; không sửa tay. Mỗi tệp có từ điển dữ liệu riêng (`.md`).",
        "",
        "| tệp | nội dung | dòng |",
        "|---|---|---|",
    ]
    for ds in DATASETS:
        scaled = ctx.scale > 1 and ds.scale is not None
        table = ds.scale(ctx, ctx.scale) if scaled else generator(ds)(ctx)
        ctx.tables[ds.name] = table
        body, n = base.render_csv(ds, table)
        extra = ctx.files.get(ds.name, {})
        files[ds.file] = body
        files.update(extra)
        files[ds.dictionary_file] = base.render_dictionary(ds, body, n, ctx.seed, extra).encode("utf-8")
        index.append(f"| [`{ds.file}`]({ds.dictionary_file}) | {ds.title_vi} | {n} |")
    index += ["", base.SYNTHETIC_NOTE]
    files["README.md"] = base.nfc("\n".join(index) + "\n").encode("utf-8")
    return files


def render_all(seed: int = DEFAULT_SEED, scale: int = 1) -> dict[str, bytes]:
    """Relative path -> content of every file the generator writes."""
    return _generate(Context(seed=seed, scale=scale))


def write_all(out_dir: Path | None = None, seed: int = DEFAULT_SEED, scale: int = 1) -> list[Path]:
    out_dir = out_dir or paths.datasets_dir()
    written = []
    for name, body in render_all(seed, scale).items():
        target = out_dir / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body)
        written.append(target)
    return written


def stale_files(out_dir: Path | None = None, seed: int = DEFAULT_SEED) -> list[str]:
    """Files in out_dir that differ from what the generator writes (or are missing)."""
    out_dir = out_dir or paths.datasets_dir()
    return [
        name
        for name, body in render_all(seed).items()
        if not (out_dir / name).is_file() or (out_dir / name).read_bytes() != body
    ]


def add_arguments(p) -> None:
    t = messages.text
    p.add_argument(
        "--seed",
        type=int,
        default=DEFAULT_SEED,
        metavar=t("data.metavar.seed"),
        help=t("data.arg.seed", default=DEFAULT_SEED),
    )
    p.add_argument("--out", type=Path, default=None, metavar=t("data.metavar.folder"), help=t("data.arg.out"))
    p.add_argument("--check", action="store_true", help=t("data.arg.check"))
    p.add_argument("--scale", type=int, default=1, metavar="N", help=t("data.arg.scale"))


def run(args) -> int:
    t = messages.text
    if args.check:
        stale = stale_files(args.out, args.seed)
        for name in stale:
            print(t("data.check.stale_file", name=name))
        print(t("data.check.current") if not stale else t("data.check.stale", count=len(stale)))
        return 1 if stale else 0
    if args.scale > 1 and (args.out is None or args.out.resolve() == paths.datasets_dir()):
        print(t("data.scale_needs_out"))
        return 2
    start = time.perf_counter()
    written = write_all(args.out, args.seed, args.scale)
    for target in written:
        print(target)
    print(t("data.written", count=len(written), seconds=time.perf_counter() - start))
    return 0
