//! Conformance checks of the store's documents role: issued documents, deferred forms, drafts and their files.

use super::*;

/// Abandoned drafts go, with their files and the bytes no other file shares (issue #29); a
/// fresh draft and a submitted dossier's files stay.
pub async fn stale_drafts_are_purged_with_their_files(store: Arc<dyn Store>) {
    seeded(&store).await;
    let old = datetime!(2025-03-01 08:00 UTC);
    let fresh = datetime!(2025-03-03 08:00 UTC);
    let draft = |at| DraftRecord {
        id: uuid::Uuid::new_v4(),
        province_code: p("00"),
        procedure: ProcedureCode::parse("2.000815").unwrap(),
        data: serde_json::json!({}),
        created_at: at,
        updated_at: at,
    };
    let (stale, kept) = (draft(old), draft(fresh));
    store.save_draft(&stale).await.unwrap();
    store.save_draft(&kept).await.unwrap();
    let file = |draft: uuid::Uuid, sha: &str| Attachment {
        id: uuid::Uuid::now_v7(),
        province_code: p("00"),
        draft_id: Some(draft),
        dossier_id: None,
        component_code: "BC".into(),
        file_name: "a.pdf".into(),
        content_type: "application/pdf".into(),
        size: 8,
        sha256: sha.into(),
        created_at: old,
    };
    // "only" is the stale draft's alone; "shared" is also the fresh draft's.
    store
        .add_attachment(&file(stale.id, "only"), b"%PDF-1.1")
        .await
        .unwrap();
    store
        .add_attachment(&file(stale.id, "shared"), b"%PDF-1.2")
        .await
        .unwrap();
    store
        .add_attachment(&file(kept.id, "shared"), b"%PDF-1.2")
        .await
        .unwrap();
    let (drafts, files) = store
        .purge_drafts(datetime!(2025-03-02 00:00 UTC))
        .await
        .unwrap();
    assert_eq!((drafts, files), (1, 2));
    assert!(store.draft(stale.id).await.unwrap().is_none());
    assert!(store.draft_attachments(stale.id).await.unwrap().is_empty());
    assert!(store.attachment_bytes("only").await.unwrap().is_none());
    assert!(store.attachment_bytes("shared").await.unwrap().is_some());
    assert!(store.draft(kept.id).await.unwrap().is_some());
    assert_eq!(store.draft_attachments(kept.id).await.unwrap().len(), 1);
    // Nothing left to purge at that moment: nothing changes.
    assert_eq!(
        store
            .purge_drafts(datetime!(2025-03-02 00:00 UTC))
            .await
            .unwrap(),
        (0, 0)
    );
}

/// A draft keeps its answers; files go with it to the dossier, the draft stays marked with it;
/// bytes are stored once per content.
pub async fn drafts_and_attachments_move_to_the_dossier(store: Arc<dyn Store>) {
    seeded(&store).await;
    let now = datetime!(2025-03-03 08:00 UTC);
    let draft = DraftRecord {
        id: uuid::Uuid::new_v4(),
        province_code: p("00"),
        procedure: ProcedureCode::parse("2.000815").unwrap(),
        data: serde_json::json!({"name": "Nguyễn Văn An"}),
        created_at: now,
        updated_at: now,
    };
    store.save_draft(&draft).await.unwrap();
    let changed = DraftRecord {
        province_code: p("68"),
        data: serde_json::json!({"name": "Lê Thị Hoa"}),
        ..draft.clone()
    };
    store.save_draft(&changed).await.unwrap();
    assert_eq!(store.draft(draft.id).await.unwrap(), Some(changed));
    let file = |code: &str, sha: &str| Attachment {
        id: uuid::Uuid::now_v7(),
        province_code: p("00"),
        draft_id: Some(draft.id),
        dossier_id: None,
        component_code: code.into(),
        file_name: "ban-chinh.pdf".into(),
        content_type: "application/pdf".into(),
        size: 8,
        sha256: sha.into(),
        created_at: now,
    };
    let a1 = file("BC", "aa");
    let a2 = file("BS", "aa");
    let a3 = file("BS", "bb");
    store.add_attachment(&a1, b"%PDF-1.4").await.unwrap();
    store.add_attachment(&a2, b"%PDF-1.4").await.unwrap();
    store.add_attachment(&a3, b"%PDF-1.5").await.unwrap();
    assert!(
        store
            .remove_draft_attachment(draft.id, a3.id)
            .await
            .unwrap()
    );
    assert!(
        !store
            .remove_draft_attachment(uuid::Uuid::new_v4(), a1.id)
            .await
            .unwrap()
    );
    assert_eq!(
        store.draft_attachments(draft.id).await.unwrap(),
        vec![a1.clone(), a2.clone()]
    );
    assert_eq!(
        store.attachment_bytes("aa").await.unwrap().as_deref(),
        Some(&b"%PDF-1.4"[..])
    );
    let (d, ev) = sample_dossier(
        "24958-250303-0001",
        "24958.TTPVHCC",
        datetime!(2025-03-03 09:00 +7),
    );
    store.insert_dossier(&d, &ev, None, &[]).await.unwrap();
    let submitted = DraftRecord {
        province_code: p("68"),
        data: serde_json::json!({"submitted": d.code}),
        updated_at: now + time::Duration::minutes(1),
        ..draft.clone()
    };
    store.link_draft(&submitted, d.id).await.unwrap();
    // The draft stays, marked with its dossier (a second submission finds it).
    assert_eq!(store.draft(draft.id).await.unwrap(), Some(submitted));
    assert!(store.draft_attachments(draft.id).await.unwrap().is_empty());
    let linked = store.dossier_attachments(d.id).await.unwrap();
    assert_eq!(linked.len(), 2);
    assert!(
        linked
            .iter()
            .all(|a| a.dossier_id == Some(d.id) && a.province_code == p("68"))
    );
}

fn sample_document(d: &Dossier, kind: &str, bytes: &[u8], at: OffsetDateTime) -> NewDocument {
    NewDocument {
        record: DocumentRecord {
            id: uuid::Uuid::now_v7(),
            province_code: d.province_code.clone(),
            dossier_id: d.id,
            dossier_code: d.code.clone(),
            kind: kind.into(),
            number: Some("01/GTN".into()),
            title: "Giấy tiếp nhận hồ sơ và hẹn trả kết quả".into(),
            file_name: format!("{}-{kind}.pdf", d.code),
            sha256: hex::encode(sha2::Sha256::digest(bytes)),
            size: bytes.len() as i64,
            signed_by: Some(d.receiving_agency.clone()),
            signer_name: Some("Trung tâm".into()),
            actor: "token:test".into(),
            event_seq: Some(d.version),
            created_at: at,
        },
        bytes: bytes.to_vec(),
    }
}

/// Documents are stored in the same transaction as the dossier or transition that issues them:
/// a conflicting transition stores none; they are listed in order, found by id and by hash, and
/// their bytes come back exactly; standalone documents (results, scans) are added alone.
pub async fn documents_are_written_with_their_transition_or_not_at_all(store: Arc<dyn Store>) {
    seeded(&store).await;
    let t0 = datetime!(2025-01-24 09:00 +7);
    let (d, ev) = sample_dossier("24958-250124-0009", "24958.TTPVHCC", t0);
    let receipt = sample_document(&d, "form01", b"%PDF-1.7 receipt", t0);
    store
        .insert_dossier(&d, &ev, None, &[Issued::Document(receipt.clone())])
        .await
        .unwrap();
    let (d2, ev2) = apply(
        &d,
        Command::Assign {
            handler: crate::officer("A"),
        },
        t0 + time::Duration::hours(1),
    );
    let slip = sample_document(
        &d2,
        "form06",
        b"%PDF-1.7 slip",
        t0 + time::Duration::hours(1),
    );
    store
        .append_transition(&d, &d2, &ev2, &[Issued::Document(slip.clone())])
        .await
        .unwrap();
    // A stale transition with a document: nothing of it is written.
    let (d3, ev3) = apply(
        &d,
        Command::Assign {
            handler: crate::officer("B"),
        },
        t0 + time::Duration::hours(2),
    );
    let lost = sample_document(
        &d3,
        "form02",
        b"%PDF-1.7 lost",
        t0 + time::Duration::hours(2),
    );
    assert!(matches!(
        store
            .append_transition(&d, &d3, &ev3, &[Issued::Document(lost.clone())])
            .await,
        Err(StoreError::Conflict)
    ));
    assert_eq!(store.document(lost.record.id).await.unwrap(), None);
    let scan = sample_document(&d2, "scan", b"%PDF-1.7 scan", t0 + time::Duration::hours(3));
    store.add_document(&scan).await.unwrap();

    let listed = store.dossier_documents(d.id).await.unwrap();
    assert_eq!(
        listed,
        vec![
            receipt.record.clone(),
            slip.record.clone(),
            scan.record.clone()
        ]
    );
    assert_eq!(
        store.document(slip.record.id).await.unwrap(),
        Some(slip.record.clone())
    );
    assert_eq!(
        store.document_bytes(receipt.record.id).await.unwrap(),
        Some(receipt.bytes.clone())
    );
    assert_eq!(
        store
            .documents_by_sha256(&scan.record.sha256)
            .await
            .unwrap(),
        vec![scan.record.clone()]
    );
    assert!(
        store
            .documents_by_sha256(&"0".repeat(64))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(store.document(uuid::Uuid::now_v7()).await.unwrap(), None);
    // The same id twice is refused (documents are immutable).
    assert!(store.add_document(&scan).await.is_err());
}

fn sample_job(d: &Dossier, kind: &str, seq: i64, at: OffsetDateTime) -> DocumentJob {
    DocumentJob {
        id: uuid::Uuid::now_v7(),
        province_code: d.province_code.clone(),
        dossier_id: d.id,
        dossier_code: d.code.clone(),
        kind: kind.into(),
        number: Some("01/GTN".into()),
        issuer: d.receiving_agency.clone(),
        actor: "token:test".into(),
        officer: Some("Cán bộ \"một cửa\"".into()),
        event_seq: seq,
        issued_at: at,
        dossier: serde_json::to_string(d).unwrap(),
    }
}

/// Deferred forms: a job is written with its transition (or not at all), listed oldest first
/// and per dossier, and finished once: the document stored and the job gone together; a second
/// finisher stores nothing.
pub async fn deferred_documents_are_finished_once(store: Arc<dyn Store>) {
    seeded(&store).await;
    let t0 = datetime!(2025-01-24 09:00 +7);
    let (d, ev) = sample_dossier("24958-250124-0011", "24958.TTPVHCC", t0);
    let receipt = sample_job(&d, "form01", 1, t0);
    store
        .insert_dossier(&d, &ev, None, &[Issued::Deferred(receipt.clone())])
        .await
        .unwrap();
    let t1 = t0 + time::Duration::hours(1);
    let (d2, ev2) = apply(
        &d,
        Command::Transfer {
            to_agency: a("24958.UBND"),
            note: None,
            consultation: false,
        },
        t1,
    );
    let slip = sample_job(&d2, "form06", 2, t1);
    store
        .append_transition(&d, &d2, &ev2, &[Issued::Deferred(slip.clone())])
        .await
        .unwrap();
    // A stale transition's job is not written.
    let (d3, ev3) = apply(
        &d,
        Command::Assign {
            handler: crate::officer("B"),
        },
        t1,
    );
    let lost = sample_job(&d3, "form06", 2, t1);
    assert!(matches!(
        store
            .append_transition(&d, &d3, &ev3, &[Issued::Deferred(lost)])
            .await,
        Err(StoreError::Conflict)
    ));
    assert_eq!(
        store.document_jobs(10).await.unwrap(),
        vec![receipt.clone(), slip.clone()]
    );
    assert_eq!(store.document_jobs(1).await.unwrap(), vec![receipt.clone()]);
    assert_eq!(
        store.dossier_document_jobs(d.id).await.unwrap(),
        vec![receipt.clone(), slip.clone()]
    );
    // Finishing the receipt stores it under the job's id and removes the job.
    let mut doc = sample_document(&d, "form01", b"%PDF-1.7 receipt", t0);
    doc.record.id = receipt.id;
    assert!(store.complete_document_job(&doc).await.unwrap());
    assert_eq!(
        store.document(receipt.id).await.unwrap(),
        Some(doc.record.clone())
    );
    assert_eq!(store.document_jobs(10).await.unwrap(), vec![slip.clone()]);
    // A second finisher of the same job writes nothing.
    let mut again = sample_document(&d, "form01", b"%PDF-1.7 other bytes", t0);
    again.record.id = receipt.id;
    assert!(!store.complete_document_job(&again).await.unwrap());
    assert_eq!(
        store.document_bytes(receipt.id).await.unwrap(),
        Some(doc.bytes.clone())
    );
    // Concurrent finishers of one job: exactly one stores it.
    let mut tasks = Vec::new();
    for i in 0..4u8 {
        let store = store.clone();
        let mut doc = sample_document(&d2, "form06", &[b'%', b'P', b'D', b'F', i], t1);
        doc.record.id = slip.id;
        tasks.push(tokio::spawn(async move {
            store.complete_document_job(&doc).await.unwrap()
        }));
    }
    let mut won = 0;
    for t in tasks {
        won += usize::from(t.await.unwrap());
    }
    assert_eq!(won, 1);
    assert!(store.document_jobs(10).await.unwrap().is_empty());
    assert_eq!(store.dossier_documents(d.id).await.unwrap().len(), 2);

    // A refused intake (its code is taken) writes no job either.
    let (dup, dup_ev) = sample_dossier("24958-250124-0011", "24958.TTPVHCC", t1);
    let dup_job = sample_job(&dup, "form01", 1, t1);
    assert!(matches!(
        store
            .insert_dossier(&dup, &dup_ev, None, &[Issued::Deferred(dup_job)])
            .await,
        Err(StoreError::Duplicate(_))
    ));
    assert!(store.document_jobs(10).await.unwrap().is_empty());
    // Several jobs in one write, absent fields included, come back as written.
    let (e, e_ev) = sample_dossier("24958-250124-0012", "24958.TTPVHCC", t1);
    let first = sample_job(&e, "form01", 1, t1);
    let second = DocumentJob {
        number: None,
        officer: None,
        ..sample_job(&e, "form06", 1, t1)
    };
    store
        .insert_dossier(
            &e,
            &e_ev,
            None,
            &[
                Issued::Deferred(first.clone()),
                Issued::Deferred(second.clone()),
            ],
        )
        .await
        .unwrap();
    assert_eq!(
        store.dossier_document_jobs(e.id).await.unwrap(),
        vec![first, second]
    );
}
