/* pcap_loop.c — the floor for the benchmark: read every packet with libpcap and do nothing. */
#include <pcap/pcap.h>
#include <stdio.h>

int
main (int argc, char **argv)
{
    char errbuf[PCAP_ERRBUF_SIZE];
    if (argc != 2) {
        fprintf (stderr, "usage: pcap_loop FILE\n");
        return 2;
    }
    pcap_t *p = pcap_open_offline (argv[1], errbuf);
    if (!p) {
        fprintf (stderr, "pcap_loop: %s\n", errbuf);
        return 2;
    }
    struct pcap_pkthdr *h;
    const u_char *d;
    unsigned long n = 0, bytes = 0;
    while (pcap_next_ex (p, &h, &d) == 1) {
        n++;
        bytes += h->caplen;
    }
    printf ("%lu packets, %lu bytes\n", n, bytes);
    pcap_close (p);
    return 0;
}
