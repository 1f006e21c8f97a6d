package dev.cairn.controller;

/** The web console: one static page that reads the API. */
final class Console {
    private Console() {}

    static final String HTML = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Cairn</title>
            <style>
            body{font-family:system-ui,sans-serif;margin:2rem;color:#222}
            table{border-collapse:collapse;margin-top:1rem}td,th{border:1px solid #ccc;padding:.3rem .7rem;text-align:left}
            .up{color:#070}.down{color:#b00}
            </style></head>
            <body>
            <h1>Cairn</h1>
            <div id="status">loading…</div>
            <h2>Nodes</h2>
            <table><thead><tr><th>name</th><th>state</th><th>labels</th><th>last heartbeat</th></tr></thead><tbody id="nodes"></tbody></table>
            <h2>Events</h2>
            <p id="evstate">loading…</p>
            <table><thead><tr><th>seq</th><th>time</th><th>type</th><th>subject</th><th>message</th></tr></thead><tbody id="events"></tbody></table>
            <script>
            function esc(s){return String(s).replace(/[&<>"]/g,c=>({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]))}
            async function refresh(){
              const s=await (await fetch('/api/v1/status')).json();
              document.getElementById('status').textContent=
                'controller '+s.controller+' · leader '+s.leader+' · nodes up '+s.nodesUp+', down '+s.nodesDown;
              const n=await (await fetch('/api/v1/nodes')).json();
              document.getElementById('nodes').innerHTML=n.nodes.map(x=>'<tr><td>'+esc(x.name)+'</td><td class="'+esc(x.state)+'">'+esc(x.state)+
                (x.standby?' (standby)':'')+'</td><td>'+esc(Object.entries(x.labels).map(e=>e.join('=')).join(', '))+'</td><td>'+esc(x.lastHeartbeat||'')+'</td></tr>').join('');
            }
            refresh();setInterval(refresh,2000);
            // the newest 50 events, then every later one (polled: the SSE stream names each frame by its
            // type, which a page would have to subscribe to one by one)
            function addEvent(e){
              const t=document.getElementById('events');
              const r=document.createElement('tr');
              r.className=/\\.(failed|down|lost|refused)$/.test(e.type)?'down':'';
              r.innerHTML='<td>'+esc(e.seq)+'</td><td>'+esc(e.time)+'</td><td>'+esc(e.type)+'</td><td>'+esc(e.subject)+'</td><td>'+esc(e.message)+'</td>';
              t.insertBefore(r,t.firstChild);
              while(t.children.length>200)t.removeChild(t.lastChild);
            }
            let next=null;
            async function events(){
              try{
                const page=await (await fetch(next===null?'/api/v1/events?limit=50':'/api/v1/events?limit=500&since='+next)).json();
                page.events.forEach(addEvent);
                next=page.next;
                document.getElementById('evstate').textContent='up to seq '+next;
              }catch(err){document.getElementById('evstate').textContent='cannot read events: '+err}
            }
            events();setInterval(events,2000);
            </script></body></html>
            """;
}
