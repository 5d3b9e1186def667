# Independent DKIM check with Debian's python3-dkim: verify.py MESSAGE RECORDS
# RECORDS: one "NAME<TAB>TXT" line per key. Prints pass/fail for each DKIM-Signature, top first.
import sys
import dkim

msg = open(sys.argv[1], 'rb').read()
records = {}
for line in open(sys.argv[2], encoding='ascii'):
    name, txt = line.rstrip('\n').split('\t', 1)
    records[name.rstrip('.').lower()] = txt.encode('ascii')

def dns(name, timeout=5):
    return records.get(name.decode('ascii').rstrip('.').lower())

head = msg.split(b'\n\n', 1)[0]
count = sum(1 for line in head.split(b'\n') if line.lower().startswith(b'dkim-signature:'))
d = dkim.DKIM(msg)
out = []
for i in range(count):
    try:
        out.append('pass' if d.verify(idx=i, dnsfunc=dns) else 'fail')
    except Exception as e:
        out.append('fail(%s)' % e)
print(' '.join(out) if out else 'none')
