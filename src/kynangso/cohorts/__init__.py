"""A cohort as instructors run it: the room of `kynangso cohort`, `build`, `collect`, `simulate`,
`grade`, `feedback`, `lab` and `doctor`.

A cohort is an nbgrader course root under cohorts/<name>/. This room owns that folder and its
gradebook (`course`), the roster of officials it is made from (`roster`), releasing the modules into
it with `build`, taking learners' notebooks from a folder, a zip or saved e-mails into submitted/
(`collect`), seeded submissions for trials and the demo (`simulate`), autograding runs (`grade`)
and what each grading leaves with the two CSV records (`outcomes`), what keeps the records whole
(`safety`: the grading lock, backups, the journal), the feedback pages (`feedback`), the JupyterLab
launcher on a cohort's release (`lab`) and the cohort's check-up (`doctor`). What the instructor
reads is in the message catalogue (`messages/cohorts.yml`, `roster.yml`, `collect.yml`, `doctor.yml`).

It may import the learners' library at the top level of the package (`kynangso.data`,
`kynangso.paths`, `kynangso.messages`, ...), `kynangso.authoring` (the course's modules, notebooks
and settings) and `kynangso.grading` (the grading pool and the sandbox); never `kynangso.reports`,
which reads cohorts and is not read by them.
"""
