#!/usr/bin/env bash
# Adds a migration offline (prisma migrate dev needs a shadow database the JS engine cannot make):
# diff the schema as of the last commit against the working schema.
# Usage: npm run db:migration -- <name>
set -euo pipefail
name=${1:?usage: npm run db:migration -- <name>}
old=$(mktemp --suffix=.prisma)
git show HEAD:prisma/schema.prisma > "$old"
dir="prisma/migrations/$(date -u +%Y%m%d%H%M%S)_${name}"
mkdir -p "$dir"
npx prisma migrate diff --from-schema-datamodel "$old" --to-schema-datamodel prisma/schema.prisma --script -o "$dir/migration.sql"
echo "scritta $dir/migration.sql"
