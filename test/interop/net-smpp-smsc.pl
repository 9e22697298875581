#!/usr/bin/perl
# A minimal SMSC built on Net::SMPP (Debian's libnet-smpp-perl), an SMPP implementation smsmesh did not
# write: it accepts binds, answers submit_sm with a message id, and sends a delivery receipt in the
# standard text format for each one. Prints "LISTENING <port>" when ready; one child process per bind.
use strict;
use warnings;
use Net::SMPP;
use POSIX qw(strftime);

$| = 1;
$SIG{CHLD} = 'IGNORE';
my $port = $ARGV[0] // 0;
my $listener = Net::SMPP->new_listen('127.0.0.1', port => $port, smpp_version => 0x34)
  or die "cannot listen: $!";
print "LISTENING ", $listener->sockport, "\n";

while (1) {
  my $conn = $listener->accept or next;
  my $pid = fork();
  die "fork: $!" unless defined $pid;
  if ($pid) { close $conn; next; }
  close $listener;
  # accept() gives a bare socket of the class: copy the protocol settings over.
  ${*$conn}{$_} = ${*$listener}{$_} for keys %{*$listener};
  $conn->set_version(0x34);
  ${*$conn}{seq} = 0;
  my $n = 0;
  while (my $pdu = $conn->read_pdu()) {
    my $cmd = $pdu->{cmd};
    if ($cmd == 0x00000009 || $cmd == 0x00000002 || $cmd == 0x00000001) {
      $conn->resp_backend($cmd | 0x80000000, pack('Z*', 'perlsmsc'), $conn, seq => $pdu->{seq});
    } elsif ($cmd == 0x00000004) {
      my $id = sprintf('%X%06d', $$, ++$n);
      $conn->submit_sm_resp(seq => $pdu->{seq}, message_id => $id);
      if (($pdu->{registered_delivery} // 0) & 1) {
        my $d = strftime('%y%m%d%H%M', gmtime());
        my $text = "id:$id sub:001 dlvrd:001 submit date:$d done date:$d stat:DELIVRD err:000 text:";
        $conn->deliver_sm(
          source_addr => $pdu->{destination_addr}, destination_addr => $pdu->{source_addr},
          esm_class => 0x04, short_message => $text, async => 1,
        );
      }
    } elsif ($cmd == 0x00000015) {
      $conn->enquire_link_resp(seq => $pdu->{seq});
    } elsif ($cmd == 0x00000006) {
      $conn->unbind_resp(seq => $pdu->{seq});
      last;
    } elsif ($cmd & 0x80000000) {
      # responses to our deliver_sm / enquire_link
    } else {
      $conn->generic_nack(seq => $pdu->{seq}, status => 3);
    }
  }
  exit 0;
}
