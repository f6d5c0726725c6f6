#!/usr/bin/env bash
# Install the district hub on one Debian 12 or Ubuntu 24.04 VM (as root). Idempotent: run it again
# after changing the roster or pulling a new version of the course; what is already there is kept.
#
#   sudo KYNANGSO_REPO=<git URL of the course> bash install.sh k2026 ds-hoc-vien.csv
#
#   $1  the cohort's name (default k2026)
#   $2  the roster (CSV from Excel, see README "Giảng viên"); without it the cohort must exist already
# Environment (all optional except KYNANGSO_REPO on the first run):
#   KYNANGSO_REPO    where to clone the course from, into /opt/kynangso
#   KYNANGSO_UPDATE  1: `git pull --ff-only` an existing clone first
#   HUB_DOMAIN       the hub's public name, e.g. hub.vinhtuong.example (for the HTTPS front)
#   ADMIN_EMAIL      the e-mail Let's Encrypt writes to about the certificate
#   FRONT            caddy (default), nginx (site written, certificate left to certbot) or none
# The guide: course/trien-khai-may-chu-huyen.md.
set -euo pipefail

COHORT="${1:-k2026}"
ROSTER="${2:-}"
PREFIX=/opt/kynangso
COHORTS=/srv/kynangso/cohorts
INSTRUCTOR=giangvien
UNIT="kynangso-hub@${COHORT}.service"
FRONT="${FRONT:-caddy}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

say() { printf '\n== %s\n' "$*"; }
die() { printf 'install.sh: %s\n' "$*" >&2; exit 1; }

[[ "$(id -u)" -eq 0 ]] || die "run as root (sudo): each official is a system user of this server"
[[ "$COHORT" =~ ^[a-z0-9][a-z0-9_-]*$ ]] || die "cohort name '$COHORT': lower-case letters, digits, - and _ only"
if [[ -n "$ROSTER" ]]; then
    [[ -f "$ROSTER" ]] || die "roster '$ROSTER' not found"
    ROSTER="$(realpath "$ROSTER")"
fi

say "System packages"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# python3-venv: the course's venv; nodejs/npm: JupyterHub's proxy (configurable-http-proxy);
# poppler-utils, libnss3-tools: the signature checks of module 02. No browser on the server.
apt-get install -y -qq python3 python3-venv python3-dev git make nodejs npm \
    poppler-utils libnss3-tools ca-certificates util-linux passwd
python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
    || die "the course needs Python 3.11 or newer (python3 is $(python3 --version))"

say "The course in $PREFIX"
if [[ -d "$PREFIX/.git" ]]; then
    if [[ "${KYNANGSO_UPDATE:-0}" == 1 ]]; then
        git -C "$PREFIX" pull --ff-only
    fi
else
    [[ -n "${KYNANGSO_REPO:-}" ]] || die "set KYNANGSO_REPO to the course's git URL for the first install"
    git clone "$KYNANGSO_REPO" "$PREFIX"
fi
# `make setup` (the Makefile's target): .venv with the course and its tests' tools, and
# configurable-http-proxy under .venv/node/ where `kynangso hub` looks for it.
make -C "$PREFIX" setup PYTHON=python3
[[ -x "$PREFIX/.venv/node/node_modules/.bin/configurable-http-proxy" ]] \
    || die "configurable-http-proxy is missing from $PREFIX/.venv/node (npm install failed?)"

say "The instructor and what only the instructor may read"
if ! id -u "$INSTRUCTOR" >/dev/null 2>&1; then
    # the same account `kynangso hub` makes when it is missing
    useradd --create-home --shell /usr/sbin/nologin --user-group "$INSTRUCTOR"
fi
# Officials' servers run as their own users and read the course's venv; they must not read the
# source notebooks (solutions, hidden tests) nor the answer key. The instructor (and root) may.
for private in notebooks src/kynangso/key datasets/dap-an; do
    if [[ -e "$PREFIX/$private" ]]; then
        chgrp -R "$INSTRUCTOR" "$PREFIX/$private"
        chmod -R o-rwx "$PREFIX/$private"
    fi
done

say "The cohort $COHORT in $COHORTS"
install -d -m 0755 /srv/kynangso "$COHORTS"
export KYNANGSO_COHORTS="$COHORTS"
KNS="$PREFIX/.venv/bin/kynangso"
export PATH="$PREFIX/.venv/bin:$PATH"  # nbgrader calls alembic by name
if [[ -n "$ROSTER" ]]; then
    # a new cohort, or the same one with an updated roster (grades are kept)
    (cd "$PREFIX" && "$KNS" cohort "$COHORT" --roster "$ROSTER")
fi
[[ -f "$COHORTS/$COHORT/nbgrader_config.py" ]] \
    || die "no cohort '$COHORT' in $COHORTS: give its roster as the second argument"
if [[ -z "$(find "$COHORTS/$COHORT/release" -mindepth 1 -maxdepth 1 2>/dev/null)" ]]; then
    # checks every module and releases it (a few minutes); the hub puts releases in the exchange
    (cd "$PREFIX" && "$KNS" build --cohort "$COHORT")
fi

say "The hub's additions: /etc/kynangso/hub.d/"
# `kynangso hub` loads every *.py there after its own configuration: the idle culler
install -d -m 0755 /etc/kynangso/hub.d
install -m 0644 "$HERE/idle-culler.py" /etc/kynangso/hub.d/idle-culler.py

say "The systemd unit $UNIT"
install -m 0644 "$HERE/kynangso-hub@.service" /etc/systemd/system/kynangso-hub@.service
systemctl daemon-reload
# started if it is not running; a running hub is left alone (restart it yourself after a roster
# change, out of class hours: `systemctl restart $UNIT`)
systemctl enable --now "$UNIT"

say "HTTPS front: $FRONT"
case "$FRONT" in
    caddy)
        [[ -n "${HUB_DOMAIN:-}" && -n "${ADMIN_EMAIL:-}" ]] || die "FRONT=caddy needs HUB_DOMAIN and ADMIN_EMAIL"
        apt-get install -y -qq caddy
        sed -e "s/hub\.vinhtuong\.example/$HUB_DOMAIN/g" -e "s/quantri@vinhtuong\.example/$ADMIN_EMAIL/g" \
            "$HERE/Caddyfile" > /etc/caddy/Caddyfile.kynangso
        caddy validate --config /etc/caddy/Caddyfile.kynangso --adapter caddyfile
        mv /etc/caddy/Caddyfile.kynangso /etc/caddy/Caddyfile
        systemctl enable caddy
        systemctl reload-or-restart caddy
        ;;
    nginx)
        [[ -n "${HUB_DOMAIN:-}" ]] || die "FRONT=nginx needs HUB_DOMAIN"
        apt-get install -y -qq nginx certbot
        sed -e "s/hub\.vinhtuong\.example/$HUB_DOMAIN/g" "$HERE/nginx-kynangso.conf" \
            > /etc/nginx/sites-available/kynangso
        ln -sfn /etc/nginx/sites-available/kynangso /etc/nginx/sites-enabled/kynangso
        if [[ ! -f "/etc/letsencrypt/live/$HUB_DOMAIN/fullchain.pem" ]]; then
            echo "nginx: get the certificate first, then run install.sh again:"
            echo "  certbot certonly --webroot -w /var/www/html -d $HUB_DOMAIN"
        else
            nginx -t
            systemctl reload-or-restart nginx
        fi
        ;;
    none) echo "no front: the hub answers on http://127.0.0.1:8000/ only" ;;
    *) die "FRONT must be caddy, nginx or none (got '$FRONT')" ;;
esac

say "Done"
echo "status:    systemctl status $UNIT    (logs: journalctl -u $UNIT, /srv/kynangso/hub/$COHORT/jupyterhub.log)"
echo "passwords: $COHORTS/$COHORT/mat-khau-hub.csv (the instructor's to hand out)"
echo "firewall:  open 443 (and 80 for Let's Encrypt and the redirect); never 8000"
