/* libical's iTIP check (RFC 5546) of one iCalendar file: prints every X-LIC-ERROR and
   exits 0 only if icalrestriction_check passes. Built by tests/meetings/itip.py. */
#include <stdio.h>
#include <stdlib.h>
#include <libical/ical.h>
int main(int argc, char **argv) {
    FILE *f = fopen(argv[1], "rb"); if (!f) { perror(argv[1]); return 2; }
    fseek(f, 0, SEEK_END); long n = ftell(f); rewind(f);
    char *text = malloc(n + 1); fread(text, 1, n, f); text[n] = 0; fclose(f);
    icalcomponent *c = icalparser_parse_string(text);
    if (!c) { printf("not iCalendar\n"); return 1; }
    int ok = icalrestriction_check(c);
    int errors = 0;
    icalcomponent *inner;
    icalproperty *p;
    for (p = icalcomponent_get_first_property(c, ICAL_XLICERROR_PROPERTY); p; p = icalcomponent_get_next_property(c, ICAL_XLICERROR_PROPERTY)) { printf("%s\n", icalproperty_get_xlicerror(p)); errors++; }
    for (inner = icalcomponent_get_first_component(c, ICAL_ANY_COMPONENT); inner; inner = icalcomponent_get_next_component(c, ICAL_ANY_COMPONENT))
        for (p = icalcomponent_get_first_property(inner, ICAL_XLICERROR_PROPERTY); p; p = icalcomponent_get_next_property(inner, ICAL_XLICERROR_PROPERTY)) { printf("%s: %s\n", icalcomponent_kind_to_string(icalcomponent_isa(inner)), icalproperty_get_xlicerror(p)); errors++; }
    printf("restriction_check=%d errors=%d\n", ok, errors);
    return (ok == 1 && errors == 0) ? 0 : 1;
}
