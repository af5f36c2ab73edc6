require 'stackprof'
require 'json'
def leaf_a(n) s = 0; n.times { |i| s += i * 2 }; s end
def leaf_b(n) a = []; n.times { |i| a << i.to_s }; a.size end
def middle(k) k.odd? ? leaf_a(20000) : leaf_b(5000) end
mode = (ARGV[0] || 'cpu').to_sym
prof = StackProf.run(mode: mode, raw: true, interval: (mode == :object ? 1 : 1000)) do
  400.times { |k| middle(k) }
end
File.write(ARGV[1] || 'out.json', JSON.generate(prof))
