#!/usr/bin/perl
# cut-like-reference.pl - re-applies stackcollapse-perf.pl's C++ name bug to
# pf-collapse output, so tests can show that pf differs from a reference
# only where the reference cut a name at its first '(' (or dropped a frame
# starting with "(anonymous namespace)").
#
# Reads folded stacks, prints them merged and sorted like the reference.
use strict;
use warnings;

my %sum;
while (my $line = <STDIN>) {
	chomp $line;
	my ($stack, $count) = $line =~ /^(.*) (\d+)$/ or die "bad line: $line\n";
	my @frames = split /;/, $stack, -1;
	my @out = (shift @frames);	# the process name is not tidied
	for my $f (@frames) {
		my $ann = $f =~ s/(_\[[kji]\])$// ? $1 : "";
		next if $f =~ /^\(/;
		if ($f !~ /\.\(.*\)\./) {
			$f =~ s/\((?!anonymous namespace\)).*//;
		}
		push @out, $f . $ann;
	}
	$sum{join(";", @out)} += $count;
}
print "$_ $sum{$_}\n" for sort keys %sum;
