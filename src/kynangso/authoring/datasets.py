"""`kynangso data`: write every data set of datasets/ from a seed, with its data dictionary.

`kynangso data` rewrites the files byte for byte, `kynangso data --check` proves they are current,
and `kynangso data --scale N --out DIR` writes an N-times larger copy for performance lessons. A data
set's `generate` is a function, or "module:function" for a generator outside the learners' library
(the answer key's, kynangso.key), imported only here.
"""

from __future__ import annotations

import time
from importlib import import_module
from pathlib import Path

from .. import paths
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
    index = ["# Dữ liệu của khóa học / the course's data sets", "",
             "Sinh bằng `kynangso data` từ hạt giống; không sửa tay. Mỗi tệp có từ điển dữ liệu riêng (`.md`).", "",
             "| tệp | nội dung | dòng |", "|---|---|---|"]
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
    return [name for name, body in render_all(seed).items()
            if not (out_dir / name).is_file() or (out_dir / name).read_bytes() != body]


def add_arguments(p) -> None:
    p.add_argument("--seed", type=int, default=DEFAULT_SEED)
    p.add_argument("--out", type=Path, default=None, help="folder (default: the repository's datasets/)")
    p.add_argument("--check", action="store_true", help="only report files that differ from the generator")
    p.add_argument("--scale", type=int, default=1,
                   help="write an N-times larger version (more years and units) for performance lessons; "
                        "needs --out, never into datasets/")


def run(args) -> int:
    if args.check:
        stale = stale_files(args.out, args.seed)
        for name in stale:
            print(f"stale: {name} (run `kynangso data`)")
        print("datasets: up to date" if not stale else f"datasets: {len(stale)} stale file(s)")
        return 1 if stale else 0
    if args.scale > 1 and (args.out is None or args.out.resolve() == paths.datasets_dir()):
        print("--scale writes a large copy that is not committed: give --out DIR outside datasets/")
        return 2
    start = time.perf_counter()
    written = write_all(args.out, args.seed, args.scale)
    for target in written:
        print(target)
    print(f"{len(written)} files in {time.perf_counter() - start:.1f} s")
    return 0
