#!/usr/bin/perl
# Reads folded stacks and writes them with every legacy-mangled Rust frame
# name demangled as rustc-demangle prints it without its hash
# ("a::_$LT$b..C$GT$::f::h0123456789abcdef" -> "a::<b::C>::f"), the stacks
# merged again and sorted.  Written from the description of rustc's legacy
# symbol mangling, independently of pf's code, to check pf-collapse.
use strict;
use warnings;

my %code = (SP => '@', BP => '*', RF => '&', LT => '<', GT => '>',
    LP => '(', RP => ')', C => ',');

sub element {
	my ($e) = @_;
	$e =~ s/^_\$/\$/;
	$e =~ s/\.\./::/g;
	$e =~ s{\$([A-Za-z0-9]+)\$}{
		exists $code{$1} ? $code{$1}
		    : $1 =~ /^u([0-9a-f]+)$/ ? chr(hex $1) : "\$$1\$"
	}ge;
	return $e;
}

sub frame {
	my ($f) = @_;
	return $f unless $f =~ /^(.*)::h[0-9a-f]{16}$/;
	return join '::', map { element($_) } split /::/, $1, -1;
}

binmode STDOUT, ':utf8';
my %t;
while (<STDIN>) {
	chomp;
	/^(.*) (\d+)$/ or die "not a folded line: $_\n";
	my ($s, $c) = ($1, $2);
	$t{join ';', map { frame($_) } split /;/, $s, -1} += $c;
}
print "$_ $t{$_}\n" for sort keys %t;
