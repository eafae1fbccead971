/* Only the parts of spandsp Switchboard uses: G.722 (and G.711, which tests use as a
   second, independent implementation). spandsp.h as a whole pulls in libtiff. */
#include <stdint.h>
#include <stdlib.h>
#include <spandsp/telephony.h>
#include <spandsp/bit_operations.h>
#include <spandsp/g711.h>
#include <spandsp/g722.h>
