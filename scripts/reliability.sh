#!/usr/bin/env bash
# The reliability benchmark: a stream of a million lines, a tenth of them bad in every way the
# input can be bad, through the release `vigie run`; prints what was lost, reordered or crashed,
# and the peak memory.
#
#   scripts/reliability.sh                 1,000,000 lines, --jobs 1 and --jobs 2
#   scripts/reliability.sh 200000 4        200,000 lines, --jobs 4
#
# The stream (made by Perl, seeded, so every run sees the same bytes) mixes comments with lines
# that are not JSON, JSON arrays and scalars, invalid UTF-8, NUL bytes, byte order marks, CRLF
# ends, empty lines, deep nesting (100 and 100,000 levels), duplicate keys, a `text` that is
# null, a number, an array or an object, huge numbers and timestamps, lone surrogates, unknown
# fields, texts that once crashed the normalizer, and three lines of 20 MiB (over the 16 MiB
# --max-line-bytes). Checks: one output line per input line, each whole JSON with the right line
# number and id; the exit status; the same output for every --jobs. Exits 1 when anything was
# lost, reordered or crashed, or the outputs differ.
set -euo pipefail
cd "$(dirname "$0")/.."

lines="${1:-1000000}"
jobs_list="${2:-1 2}"
work=.build-reliability
mkdir -p "$work"

./scripts/bootstrap.sh
swift build -c release --product vigie >&2
vigie=.build/release/vigie

stream="$work/stream-$lines.jsonl"
expect="$work/expect-$lines.txt"
if [ ! -f "$stream" ] || [ ! -f "$expect" ]; then
  echo "reliability: writing $lines lines to $stream" >&2
  perl - "$lines" "$stream" "$expect" <<'PERL'
use strict; use warnings;
my ($n, $stream, $expect) = @ARGV;
srand(20260101);
open(my $s, '>:raw', $stream) or die; open(my $e, '>', $expect) or die;
my @texts = ("Mon colis est toujours en retard", "Quel connard ce livreur", "Promo ici https://spam.example/x",
  "Hi, my order is late again", "Merci pour la livraison !", "Mi pedido no ha llegado", "c.o.l.i.s p.a.s r.e.c.u",
  "n n n n?z.e n", "C0NN4RD", "je vais porter plainte, mon avocat", "\\u00e9\\ud83d\\ude00 ok", "bonjour \@everyone");
my $big = 20 * 1024 * 1024;
my %bigAt = map { int($n * $_ / 4) => 1 } (1, 2, 3);
for my $i (1 .. $n) {
  my $id = "r$i";
  my $t = 1767225600 + int($i / 10);
  my $good = sprintf('{"id":"%s","text":"%s","author":{"id":"u%d","name":"U%d"},"timestamp":%d}', $id, $texts[$i % @texts], $i % 5000, $i, $t);
  my ($line, $want) = ($good, $id);
  if ($bigAt{$i}) {
    ($line, $want) = ('{"id":"' . $id . '","text":"' . ('x' x $big) . '"}', '-');
  } elsif (rand() < 0.10) {
    my $k = int(rand(22));
    ($line, $want) =
        $k == 0  ? ("not json at all $i", '-')
      : $k == 1  ? ('[{"id":"' . $id . '","text":"colis"}]', '-')
      : $k == 2  ? ((qw(42 null true "colis" []))[int(rand(5))], '-')
      : $k == 3  ? ('{"id":"' . $id . '","text":"colis ' . "\xff\xfe\xc3\x28\xed\xa0\x80" . ' retard"}', '-')
      : $k == 4  ? ("{\"id\":\"$id\",\"text\":\"col\x00is\"}", '-')
      : $k == 5  ? ("\xef\xbb\xbf" . $good, '-')
      : $k == 6  ? ($good . "\r", $id)
      : $k == 7  ? ((("", " ", "\t", "\r"))[int(rand(4))], '-')
      : $k == 8  ? ('{"id":"' . $id . '","text":"x","deep":' . ('[' x 100) . '1' . (']' x 100) . '}', '-')
      : $k == 9  ? ('{"id":"' . $id . '","text":"x","deep":' . ('[' x 100000) . '}', '-')
      : $k == 10 ? ('{"id":"' . $id . '","text":"merci","text":"connard"}', $id)
      : $k == 11 ? ('{"id":"' . $id . '","text":null}', $id)
      : $k == 12 ? ('{"id":"' . $id . '","text":' . (qw(12 -1e999 ["colis"] {"fr":"colis"}))[int(rand(4))] . '}', $id)
      : $k == 13 ? ('{"id":"' . $id . '","body":"colis"}', $id)
      : $k == 14 ? ('{"id":"' . $id . '","text":"colis","n":123456789012345678901234567890e300,"timestamp":1e300}', $id)
      : $k == 15 ? ('{"id":"' . $id . '","text":"colis \\ud800 \\udfff retard"}', '-')
      : $k == 16 ? ('{"id":"' . $id . '","text":"colis"} trailing', '-')
      : $k == 17 ? ('{"id":"' . $id . '","text":"colis","unknown":{"a":[1,{"b":null}]},"lang":"`x` @everyone"}', $id)
      : $k == 18 ? ('{"id":"' . $id . '","text":"' . ('y' x (1000 + int(rand(100000)))) . '"}', $id)
      : $k == 19 ? ("{\"id\":\"$id\",\"text\":\"a\\u0000b\"}", $id)
      : $k == 20 ? ("\x00\x01\x02 binary", '-')
      :            ('{"id":"' . $id . '","text":"colis","author":{"id":1e300}}', $id);
  }
  print $s $line, "\n";
  print $e $want, "\n";
}
close($s); close($e);
PERL
fi

bytes=$(wc -c < "$stream")
status=0
for jobs in $jobs_list; do
  out="$work/out-$lines-j$jobs.jsonl"
  err="$work/err-$lines-j$jobs.txt"
  timing="$work/time-$lines-j$jobs.txt"
  set +e
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f '%M %e' -o "$timing" "$vigie" run --rules examples/shop --jobs "$jobs" --stats --input "$stream" > "$out" 2> "$err"
  else
    start=$(date +%s.%N)
    "$vigie" run --rules examples/shop --jobs "$jobs" --stats --input "$stream" > "$out" 2> "$err"
    echo "? $(echo "$(date +%s.%N) - $start" | bc)" > "$timing"
  fi
  exit_status=$?
  set -e
  read -r rss_kb seconds < "$timing"
  # Compare the output with the expectations, line by line.
  read -r out_lines lost reordered bad_json errors < <(perl -e '
    open(my $o, "<:raw", $ARGV[0]) or die; open(my $e, "<", $ARGV[1]) or die;
    my ($i, $reordered, $bad, $errors) = (0, 0, 0, 0);
    while (my $line = <$o>) {
      $i++;
      my $want = <$e>; $want = "-\n" unless defined $want; chomp $want;
      if ($line !~ /\n\z/ || $line !~ /^\{"line":(\d+),"id":(null|"[^"]*"|[^,]*),"rules_version":"[0-9a-f]{12}",.*\}\n\z/) { $bad++; next }
      my ($n, $id) = ($1, $2);
      $reordered++ if $n != $i || ($want ne "-" && $id ne "\"$want\"");
      $errors++ if $line =~ /"error_code":/;
    }
    my $in = 0; seek($e, 0, 0); $in++ while <$e>;
    printf "%d %d %d %d %d\n", $i, ($in > $i ? $in - $i : 0), $reordered, $bad, $errors;
  ' "$out" "$expect")
  crashed=$([ "$exit_status" = 0 ] && echo 0 || echo 1)
  rss_mb=$([ "$rss_kb" = "?" ] && echo "?" || echo $((rss_kb / 1024)))
  printf 'reliability: --jobs %s: %d lines in (%d MB), %d out, lost %d, reordered %d, not whole JSON %d, error records %d, crashes %d (exit %s), peak RSS %s MB, %s s\n' \
    "$jobs" "$lines" $((bytes / 1000000)) "$out_lines" "$lost" "$reordered" "$bad_json" "$errors" "$crashed" "$exit_status" "$rss_mb" "$seconds"
  if [ "$lost" != 0 ] || [ "$reordered" != 0 ] || [ "$bad_json" != 0 ] || [ "$crashed" != 0 ] || [ "$out_lines" != "$lines" ]; then
    status=1
    tail -5 "$err" >&2
  fi
  if [ -n "${first_out:-}" ]; then
    if cmp -s "$first_out" "$out"; then
      echo "reliability: --jobs $jobs: output identical to --jobs ${jobs_list%% *}" >&2
    else
      echo "reliability: --jobs $jobs: output DIFFERS from --jobs ${jobs_list%% *}" >&2
      status=1
    fi
  else
    first_out="$out"
  fi
done
exit $status
