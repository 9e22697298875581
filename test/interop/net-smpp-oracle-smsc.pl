#!/usr/bin/perl
# An SMSC built on Net::SMPP (Debian's libnet-smpp-perl), an SMPP 3.4 implementation smsmesh did not write, for
# the interop oracle suite. Net::SMPP frames and decodes every PDU; this script only routes them:
#   - it accepts any number of binds (one process, select() over the sockets), answers bind, enquire_link, unbind;
#   - every submit_sm is answered with a message id and reported on stdout as one JSON line: the raw body as it
#     came off the wire (hex) and the fields and TLVs as Net::SMPP decoded them, so the test can judge both;
#   - commands on stdin (one JSON object a line) make it send deliver_sm: delivery receipts in its own text and
#     TLV formats ("receipt"), or any deliver_sm the test describes field by field ("deliver", for MO);
#   - deliver_sm_resp from the gateway is reported, so the test waits on the answer rather than on time.
# Output: {"event":"listening","port":N} first. EOF on stdin ends the process.
use strict;
use warnings;
use IO::Select;
use JSON::PP;
use Net::SMPP;
use POSIX qw(strftime);

$| = 1;
my $json = JSON::PP->new->utf8->canonical;
my $listener = Net::SMPP->new_listen('127.0.0.1', port => 0, smpp_version => 0x34)
  or die "cannot listen: $!";
my $select = IO::Select->new($listener, \*STDIN);
my %sessions;    # fileno -> { conn, system_id }
my $issued = 0;  # message ids handed out
my $stdin = '';

sub emit { print $json->encode($_[0]), "\n"; }

emit({ event => 'listening', port => $listener->sockport });

sub session_for {
  my ($system_id) = @_;
  for my $s (values %sessions) {
    return $s if defined $s->{system_id} && $s->{system_id} eq $system_id;
  }
  die "no session bound as $system_id\n";
}

sub drop_session {
  my ($fh) = @_;
  my $s = delete $sessions{ fileno($fh) };
  $select->remove($fh);
  emit({ event => 'closed', system_id => $s->{system_id} }) if $s;
  close $fh;
}

sub accept_session {
  my $conn = $listener->accept or return;
  # accept() gives a bare socket of the class: copy the protocol settings over.
  ${*$conn}{$_} = ${*$listener}{$_} for keys %{*$listener};
  $conn->set_version(0x34);
  ${*$conn}{seq} = 0;
  $sessions{ fileno($conn) } = { conn => $conn, system_id => undef };
  $select->add($conn);
}

# Optional parameters as Net::SMPP decoded them: it stores each under its numeric tag (decimal) as well as its name.
sub tlvs_of {
  my ($pdu) = @_;
  my %tlvs;
  for my $k (keys %$pdu) {
    $tlvs{ sprintf('%04x', $k) } = unpack('H*', $pdu->{$k}) if $k =~ /^\d+$/;
  }
  return \%tlvs;
}

sub serve {
  my ($fh) = @_;
  my $s = $sessions{ fileno($fh) };
  my $conn = $s->{conn};
  my $pdu = $conn->read_pdu();
  if (!$pdu) { drop_session($fh); return; }
  my $cmd = $pdu->{cmd};
  if ($cmd == 0x00000001 || $cmd == 0x00000002 || $cmd == 0x00000009) {
    $s->{system_id} = $pdu->{system_id};
    $conn->resp_backend($cmd | 0x80000000, pack('Z*', 'perlsmsc'), $conn, seq => $pdu->{seq});
    emit({ event => 'bound', system_id => $pdu->{system_id}, command_id => $cmd });
  } elsif ($cmd == 0x00000004) {
    my $id = sprintf('%08X', ++$issued);
    # Reported before it is answered, so the test has the capture no later than the gateway has the answer.
    emit({
      event => 'submit_sm', system_id => $s->{system_id}, seq => $pdu->{seq}, message_id => $id,
      body => unpack('H*', $pdu->{data}),
      esm_class => $pdu->{esm_class}, data_coding => $pdu->{data_coding},
      source_addr => $pdu->{source_addr}, destination_addr => $pdu->{destination_addr},
      registered_delivery => $pdu->{registered_delivery},
      short_message => unpack('H*', $pdu->{short_message}), tlvs => tlvs_of($pdu),
    });
    $conn->submit_sm_resp(seq => $pdu->{seq}, message_id => $id);
  } elsif ($cmd == 0x80000005) {
    emit({ event => 'deliver_sm_resp', system_id => $s->{system_id}, seq => $pdu->{seq}, status => $pdu->{status} });
  } elsif ($cmd == 0x00000015) {
    $conn->enquire_link_resp(seq => $pdu->{seq});
  } elsif ($cmd == 0x00000006) {
    $conn->unbind_resp(seq => $pdu->{seq});
    drop_session($fh);
  } elsif (!($cmd & 0x80000000)) {
    $conn->generic_nack(seq => $pdu->{seq}, status => 3);
  }
}

# A receipt as this SMSC writes it: the SMPP 3.4 Appendix B text (10-digit dates), the 3.4 TLVs, or both.
sub send_receipt {
  my ($c) = @_;
  my $conn = session_for($c->{system_id})->{conn};
  my @fields = (
    source_addr => $c->{from}, source_addr_ton => 1, source_addr_npi => 1,
    destination_addr => $c->{to}, esm_class => 0x04, data_coding => 0, async => 1,
  );
  if ($c->{format} eq 'text' || $c->{format} eq 'both') {
    my $date = strftime('%y%m%d%H%M', gmtime($c->{done_at} // time()));
    push @fields, short_message => sprintf('id:%s sub:001 dlvrd:%03d submit date:%s done date:%s stat:%s err:%03d text:%.20s',
      $c->{message_id}, $c->{stat} eq 'DELIVRD' ? 1 : 0, $date, $date, $c->{stat}, $c->{err} // 0, $c->{text} // '');
  }
  if ($c->{format} eq 'tlv' || $c->{format} eq 'both') {
    push @fields, receipted_message_id => $c->{message_id} . "\0", message_state => pack('C', $c->{state});
    # network_error_code: network type (3 = GSM), then the error code, 2 octets.
    push @fields, network_error_code => pack('Cn', 3, $c->{err}) if $c->{err};
  }
  return $conn->deliver_sm(@fields);
}

# Any deliver_sm, field by field: binary values in hex, optional parameters by their Net::SMPP names.
sub send_deliver {
  my ($c) = @_;
  my $conn = session_for($c->{system_id})->{conn};
  my @tlvs = map { ($_ => pack('H*', $c->{tlvs}{$_})) } sort keys %{ $c->{tlvs} // {} };
  return $conn->deliver_sm(
    source_addr => $c->{source_addr}, source_addr_ton => $c->{source_addr_ton} // 1, source_addr_npi => 1,
    destination_addr => $c->{destination_addr}, esm_class => $c->{esm_class} // 0,
    data_coding => $c->{data_coding} // 0, short_message => pack('H*', $c->{short_message} // ''),
    @tlvs, async => 1,
  );
}

sub read_commands {
  my $n = sysread(STDIN, $stdin, 65536, length $stdin);
  exit 0 if !$n;    # the test closed our stdin: it is done with us
  while ($stdin =~ s/^([^\n]*)\n//) {
    next if $1 eq '';
    my $c = $json->decode($1);
    my $seq = eval { $c->{op} eq 'receipt' ? send_receipt($c) : send_deliver($c) };
    if ($@) { emit({ event => 'error', ref => $c->{ref}, message => "$@" }); next; }
    emit({ event => 'deliver_sent', ref => $c->{ref}, system_id => $c->{system_id}, seq => $seq });
  }
}

while (1) {
  for my $fh ($select->can_read) {
    if ($fh == $listener) { accept_session(); }
    elsif (fileno($fh) == fileno(STDIN)) { read_commands(); }
    else { serve($fh); }
  }
}
