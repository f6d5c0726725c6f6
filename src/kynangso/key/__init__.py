"""The answer key: what hidden tests compare a learner's answers with, and what a learner's kernel
never sees while it is graded.

- `mailbox`: the sample mailbox's generator, which knows the phishing signs of every message: it
  fills the templates of `hop_thu.yml` (every message's text, sender, labels and signs) from the
  seeded world of `world` (the mailbox's owner, the people who write, the calendar), and `eml`
  writes each message as an .eml file;
- the key's data files live in datasets/dap-an/ (loaded with kynangso.data.load, by the trusted
  runner only).

The grader's sandbox covers this folder and datasets/dap-an/ in every learner's kernel (and a
kernel refuses to import `kynangso.key`), while the trusted runner that runs the hidden tests sees
both. A module can also withhold a library module from its learners' kernels when its questions are
to write that module's functions (`withheld:` in course/manifest.yml, module 03 and
kynangso.workdays). Nothing here is imported by the learners' library.
"""
