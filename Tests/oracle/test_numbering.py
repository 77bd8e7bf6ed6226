"""libphonenumber as the oracle for ScaiDial's numbering plans (issue 14, item 5).

Generates numbers with Google's libphonenumber (`pip install phonenumbers pytest`) and writes each in every
form a person types or dials: E.164, INTERNATIONAL, NATIONAL (dialled in its own region) and out of country
(`format_out_of_country_calling_number`, as dialled from its own region and from a set of others, with the
dialling region as the default country). Our normalisation must give libphonenumber's E.164 of the parsed
text, and `E164.region(of:)` its `region_code_for_number`; `E164.isInternational` (international iff the
region is not the home country) must agree for every dialling region. Numbers:
  - every supported region's example number of every type;
  - one number per NANP area code 200-999: a valid one where libphonenumber knows the code (its region is
    then the region), else an unassigned one (its region is then None);
  - from every supported region, a foreign number dialled with that region's international prefix.

Drives the `numbers` command of the binary in SCAIDIAL_BIN (skipped when unset): stdin lines
"COUNTRY<TAB>INPUT" (COUNTRY empty = no default country), stdout one line each, "OK<TAB>E164<TAB>REGION"
(REGION empty when unknown) or "ERR<TAB>message".
    SCAIDIAL_BIN=.build/debug/scaidial python3 -m pytest Tests/oracle/test_numbering.py -q
"""

import os
import subprocess
from pathlib import Path

import pytest

phonenumbers = pytest.importorskip("phonenumbers")
from phonenumbers import PhoneNumberFormat as Fmt  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]

# Regions a number is also dialled from: international prefixes of every shape (00, 011, 0011, 010, 8~10,
# 001/002, 009, ...) and the shared calling codes (+1, +7, +44, +61, +262, +590).
DIALLED_FROM = ("US", "CA", "JM", "GB", "JE", "AU", "JP", "DE", "FR", "RE", "GP", "IT", "RU", "KZ", "BY", "HU",
                "BR", "KR", "SG", "IL", "IN", "CN", "AR", "MX", "CO", "NG", "KE", "ZA")

# Documented divergences, by the start of the generated number's E.164: every form of such a number is excepted,
# each is counted and printed, and an exception that no longer differs is reported as stale.
OVERLAY = "an area code NANPA has assigned (announced overlay), not yet in libphonenumber: ours says its region"
EXCEPTIONS = {
    "+13101234": "Canada's 7-digit 310-XXXX numbers: no 10-digit NANP form, so we refuse them",
    "+989601": "an Iranian 6-digit short code, below E.164's 7-digit minimum: we refuse it",
    **{f"+1{area}": OVERLAY for area in (357, 436, 624, 679, 837, 861, 924)},
}


def exception_for(e164):
    return next(((prefix, why) for prefix, why in EXCEPTIONS.items() if e164.startswith(prefix)), None)


def example_numbers():
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        for kind in sorted(set(phonenumbers.PhoneNumberType.values()) - {phonenumbers.PhoneNumberType.UNKNOWN}):
            n = phonenumbers.example_number_for_type(region, kind)
            if n is not None:
                yield n


def nanp_numbers():
    """One number per area code 200-999: valid where libphonenumber knows the code, else unassigned."""
    for area in range(200, 1000):
        candidates = [phonenumbers.parse(f"+1{area}{exchange}4567") for exchange in
                      ("234", "555", "201", "300", "456", "520", "701", "890", "990", "622", "373")]
        yield next((n for n in candidates if phonenumbers.is_valid_number(n)), candidates[0])


def cases():
    """(default country, text, expected E.164, expected region, generated number's E.164), deduplicated."""
    seen = set()
    numbers = {phonenumbers.format_number(n, Fmt.E164): n for n in (*example_numbers(), *nanp_numbers())}
    # Dialled from every region: each region's own international prefix (and GB's from GB's neighbours).
    abroad = {phonenumbers.format_number(n, Fmt.E164) for n in
              (phonenumbers.example_number("GB"), phonenumbers.example_number("DE"))}
    for e164, n in sorted(numbers.items()):
        home = phonenumbers.region_code_for_number(n) or ""
        forms = [("", e164), ("", phonenumbers.format_number(n, Fmt.INTERNATIONAL))]
        if home and home != "001":
            forms.append((home, phonenumbers.format_number(n, Fmt.NATIONAL)))
        dialled_from = set(DIALLED_FROM) | ({home} if home and home != "001" else set())
        if e164 in abroad:
            dialled_from |= set(phonenumbers.SUPPORTED_REGIONS)
        for region in sorted(dialled_from):
            forms.append((region, phonenumbers.format_out_of_country_calling_number(n, region)))
        for country, text in forms:
            if (country, text) in seen:
                continue
            seen.add((country, text))
            try:
                parsed = phonenumbers.parse(text, country or None)
            except phonenumbers.NumberParseException:
                continue
            expected = phonenumbers.format_number(parsed, Fmt.E164)
            yield country, text, expected, phonenumbers.region_code_for_number(parsed), e164


def binary_or_skip():
    binary = os.environ.get("SCAIDIAL_BIN")
    if not binary:
        pytest.skip("SCAIDIAL_BIN is not set (the scaidial binary with the `numbers` command)")
    return binary if Path(binary).is_absolute() else str((ROOT / binary).resolve())


def run_ours(binary, lines):
    text = "".join(f"{country}\t{entry}\n" for country, entry in lines)
    result = subprocess.run([binary, "numbers"], input=text, capture_output=True, text=True, timeout=60, check=True)
    out = result.stdout.splitlines()
    assert len(out) == len(lines), f"{len(lines)} lines in, {len(out)} out"
    return [line.split("\t") for line in out]


def test_normalisation_and_regions_match_libphonenumber():
    binary = binary_or_skip()
    all_cases = list(cases())
    ours = run_ours(binary, [(country, text) for country, text, *_ in all_cases])
    mismatches, excepted, used = [], [], set()
    homes, abroad, international_wrong, fail_open = 0, 0, [], 0
    for (country, text, e164, region, source), answer in zip(all_cases, ours):
        got_e164, got_region = (answer[1], answer[2] or None) if answer[0] == "OK" else (answer, None)
        region = None if region == "001" else region  # non-geographic (+800, +882, ...): no region
        exception = exception_for(source)
        line = f"{country or '--'} {text!r} ({source}): want {e164} {region}, got {got_e164} {got_region}"
        if country and not exception:
            # isInternational(number, homeCountry: country) is "region(of: number) != country", nil included.
            homes += 1
            abroad += region != country
            if (got_region != country) != (region != country):
                international_wrong.append(line)
                fail_open += got_region == country  # we would call domestic what is abroad
        if got_e164 == e164 and got_region == region:
            continue
        if exception:
            excepted.append(line)
            used.add(exception[0])
            continue
        mismatches.append(line)
    if os.environ.get("SCAIDIAL_NUMBERING_REPORT"):  # every mismatch, for working on the tables
        Path(os.environ["SCAIDIAL_NUMBERING_REPORT"]).write_text("\n".join(mismatches + excepted) + "\n")
    print(f"\n{homes} (home, number) pairs for isInternational, {abroad} of them international; "
          f"{len(international_wrong)} decided differently, {fail_open} of those domestic for us")
    print(f"{len(all_cases)} forms checked; {len(mismatches)} mismatches; "
          f"{len(excepted)} forms of {len(used)} documented exceptions:")
    for prefix, why in EXCEPTIONS.items():
        count = sum(1 for line in excepted if f"want {prefix}" in line)
        print(f"  {prefix}: {count} forms: {why}" + ("" if count else " (STALE: no longer differs, remove it)"))
    assert not mismatches, (
        f"{len(mismatches)} of {len(all_cases)} forms differ from libphonenumber "
        f"({len(international_wrong)} change isInternational for the dialling region, {fail_open} to domestic):\n"
        + "\n".join(mismatches[:40]) + (f"\n... and {len(mismatches) - 40} more" if len(mismatches) > 40 else ""))
    assert not international_wrong, "\n".join(international_wrong[:40])


# Exit codes in use somewhere (ITU dialling procedures), tried in every region: the forms above only show the
# one libphonenumber formats with, and none where it writes "+" (Korea, Brazil, Singapore, Israel, ...).
EXIT_CODES = ("00", "000", "001", "002", "005", "006", "007", "008", "009", "00700", "0014", "0015", "0021", "0041",
              "010", "011", "0011", "0012", "0016", "0018", "0019", "012", "013", "014", "018", "019", "020", "0161",
              "0", "119", "810", "8~10", "99", "990", "994", "999", "1230")


# Documented divergences: (region, exit code) -> why. Counted and printed; a stale one is reported.
PREFIX_EXCEPTIONS = {
    ("ID", "001"): "Indosat's international prefix (ITU dialling procedures); libphonenumber's ID pattern is 00[89]",
    ("ID", "007"): "Telkom's international prefix (ITU dialling procedures); libphonenumber's ID pattern is 00[89]",
    ("UY", "0161"): "Uruguay's carrier-selected 01[3-9]X exit codes are not in our table (00 is): read as national, "
                    "and refused as too long",
}


def test_international_prefixes_match_libphonenumber():
    """In every region, a number after each candidate exit code is international for us iff for libphonenumber.

    The one deliberate difference: we take "00" as an exit code everywhere (no national number starts with
    "00"), libphonenumber only where the region's own pattern says so; those cases are counted, not failed.
    """
    binary = binary_or_skip()
    probes = []
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        target = "+4930123456" if phonenumbers.country_code_for_region(region) == 44 else "+442079460018"
        for code in EXIT_CODES:
            text = f"{code} {target[1:3]} {target[3:]}"
            try:
                theirs = phonenumbers.format_number(phonenumbers.parse(text, region), Fmt.E164) == target
            except phonenumbers.NumberParseException:
                theirs = False
            probes.append((region, text, target, theirs))
    ours = run_ours(binary, [(region, text) for region, text, *_ in probes])
    wrong, double_zero, excepted = [], [], set()
    for (region, text, target, theirs), answer in zip(probes, ours):
        mine = answer[0] == "OK" and answer[1] == target
        if mine == theirs:
            continue
        if mine and text.startswith("00 "):
            double_zero.append(f"{region} {text!r}")
            continue
        if (region, text.split()[0]) in PREFIX_EXCEPTIONS:
            excepted.add((region, text.split()[0]))
            continue
        wrong.append(f"{region} {text!r}: libphonenumber {'international' if theirs else 'not international'}, "
                     f"ours {' '.join(answer)}")
    print(f"\n{len(probes)} exit-code probes; {len(wrong)} mismatches; {len(double_zero)} regions where only we "
          f"accept '00': {', '.join(line.split()[0] for line in double_zero)}; "
          f"{len(excepted)} documented exceptions:")
    for key, why in PREFIX_EXCEPTIONS.items():
        print(f"  {' '.join(key)}: {why}" + ("" if key in excepted else " (STALE: no longer differs, remove it)"))
    assert not wrong, f"{len(wrong)} exit-code probes differ:\n" + "\n".join(wrong[:40]) + (
        f"\n... and {len(wrong) - 40} more" if len(wrong) > 40 else "")
