#!/usr/bin/env bash
# Compiles src/main/java22 (element access through one FFM MemorySegment, used on JDK 22 and later) into
# META-INF/versions/22 of the classes directory, so that the jar is the same whichever JDK runs Maven. The javac is
# the one of the JDK running Maven when it is 22 or newer, else of $JMMAP_JDK22_HOME, else of the newest JDK >= 22
# under /usr/lib/jvm. Without one the jar lacks that path (every JDK then uses the ByteBuffer path): a warning, or
# an error when the build asks for a release (-Djmmap.release=true).
#
#   compile-java22.sh SOURCES CLASSES RUNNING_JAVA_HOME RELEASE(true|false)
set -euo pipefail
sources=$1 classes=$2 running=$3 release=$4

feature() { # the feature version of the JDK at $1, or 0
  "$1/bin/java" -XshowSettings:properties -version 2>&1 \
    | awk -F'= ' '/java.specification.version/ {split($2, v, "."); print (v[1] == 1 ? v[2] : v[1]); found=1}
                  END {if (!found) print 0}'
}

javac=""
for candidate in "$running" "${JMMAP_JDK22_HOME:-}" $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -rV); do
  candidate=${candidate%/}
  if [ -n "$candidate" ] && [ -x "$candidate/bin/javac" ] && [ "$(feature "$candidate")" -ge 22 ]; then
    javac="$candidate/bin/javac"
    break
  fi
done

if [ -z "$javac" ]; then
  message="no JDK 22 or newer found (looked at $running, \$JMMAP_JDK22_HOME and /usr/lib/jvm): the jar lacks the JDK 22+ element access path (META-INF/versions/22)"
  if [ "$release" = true ]; then
    echo "[ERROR] jmmap: $message; a release build needs it: set JMMAP_JDK22_HOME" >&2
    exit 1
  fi
  echo "[WARNING] jmmap: $message"
  exit 0
fi

out="$classes/META-INF/versions/22"
rm -rf "$out"
mkdir -p "$out"
mapfile -t files < <(find "$sources" -name '*.java' | sort)
echo "[INFO] jmmap: compiling ${#files[@]} JDK 22+ source file(s) with $javac into META-INF/versions/22"
# On the class path, the base classes' module-info is ignored: the versioned classes join the module's packages.
"$javac" --release 22 -Xlint:all -Werror -implicit:none -XDstringConcat=inline -d "$out" -cp "$classes" "${files[@]}"
