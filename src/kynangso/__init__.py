"""Kỹ năng số Vĩnh Tường: an auto-graded Jupyter course in digital skills for district officials.

The top level is the **learners' library**, the names the course's notebooks import (stable: a
released notebook must keep working):

- `kynangso.data`: `load(name)` (a typed DataFrame of a district data set), `path(name)`, and the
  mailbox's stated rules in `kynangso.data.mailbox`;
- `kynangso.workdays`: working days on Vietnam's official calendar and the deadline rule;
- `kynangso.maillab`: a real SMTP server on 127.0.0.1 for the e-mail lab;
- `kynangso.pki` and `kynangso.signing`: a training certificate authority; signing and checking PDFs;
- `kynangso.letters`: official letters laid out as Decree 30 prescribes;
- `kynangso.thu_ngay`: the lessons' "Thử ngay" self-checks (`kiem_tra`, `van_tay`), never graded;
- with `paths` (where the course's folders are) and `messages` (every text people read, in
  Vietnamese), which every room uses.

The rooms above it, each importing only those below: `authoring` (the course as trainers write
it) <- `grading` (the grader) <- `cohorts` (a cohort as instructors run it) <- `reports`; `key` is
the answer key, which no learner's kernel may see; `cli` and `demo` are the front door.
"""

__version__ = "0.1.0"
