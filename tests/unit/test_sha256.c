/* test_sha256.c — provenance hashes against the FIPS 180-4 example vectors. */
#include <string.h>
#include "tt_check.h"

void tt_sha256_hex(const void *data, size_t len, char hex[65]);

static void Check(const char *msg, const char *expected)
{
  char hex[65];
  tt_sha256_hex(msg, strlen(msg), hex);
  TT_CHECK(!strcmp(hex, expected), expected);
}

int main(void)
{
  char million[1000001];
  Check("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  Check("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  Check("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  memset(million, 'a', 1000000);
  million[1000000] = 0;
  Check(million, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  printf("%d failure(s)\n", tt_failures);
  return tt_failures != 0;
}
